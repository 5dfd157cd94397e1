package io.relspec.deploy;

import static io.relspec.deploy.Manifests.containers;
import static io.relspec.deploy.Manifests.env;
import static io.relspec.deploy.Manifests.list;
import static io.relspec.deploy.Manifests.name;
import static io.relspec.deploy.Manifests.podLabels;
import static io.relspec.deploy.Manifests.podSpec;
import static io.relspec.deploy.Manifests.port;
import static io.relspec.deploy.Manifests.selects;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Renders every overlay with kustomize and checks what a cluster would only reveal at run time:
 * probes, resources, hardening, ports and names against the applications' own configuration,
 * NetworkPolicies, and that every Secret, ConfigMap and ServiceAccount referenced exists.
 */
class KubernetesManifestsTest {
  private static final List<String> SERVICES =
      List.of("catalog", "compiler", "scheduler", "executor");
  private static final Map<String, Manifests> RENDERED = new HashMap<>();

  static synchronized Manifests rendered(String overlay) throws Exception {
    Manifests manifests = RENDERED.get(overlay);
    if (manifests == null) {
      manifests = new Manifests(overlay, Kustomize.render(overlay));
      RENDERED.put(overlay, manifests);
    }
    return manifests;
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "prod"})
  void everyWorkloadHasProbesResourcesAndARestrictedSecurityContext(String overlay)
      throws Exception {
    Manifests manifests = rendered(overlay);
    assertThat(manifests.workloads()).hasSizeGreaterThanOrEqualTo(SERVICES.size());
    SoftAssertions soft = new SoftAssertions();
    for (JsonNode workload : manifests.workloads()) {
      String where = overlay + " " + workload.path("kind").asText() + "/" + name(workload);
      JsonNode pod = podSpec(workload);
      soft.assertThat(pod.path("securityContext").path("runAsNonRoot").asBoolean())
          .as(where + " runs as non-root")
          .isTrue();
      soft.assertThat(pod.path("securityContext").path("runAsUser").asInt())
          .as(where + " runAsUser")
          .isPositive();
      soft.assertThat(pod.path("securityContext").path("seccompProfile").path("type").asText())
          .as(where + " seccomp")
          .isEqualTo("RuntimeDefault");
      soft.assertThat(pod.path("automountServiceAccountToken").asBoolean(true))
          .as(where + " mounts no API token")
          .isFalse();
      soft.assertThat(
              selects(
                  workload.path("spec").path("selector").path("matchLabels"), podLabels(workload)))
          .as(where + " selector matches its pod labels")
          .isTrue();
      soft.assertThat(podLabels(workload))
          .as(where + " labels")
          .containsKey("app.kubernetes.io/name");
      for (JsonNode container : containers(workload)) {
        String at = where + " container " + container.path("name").asText();
        for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
          soft.assertThat(container.has(probe)).as(at + " " + probe).isTrue();
        }
        JsonNode resources = container.path("resources");
        soft.assertThat(resources.path("requests").has("cpu")).as(at + " cpu request").isTrue();
        soft.assertThat(resources.path("requests").has("memory"))
            .as(at + " memory request")
            .isTrue();
        soft.assertThat(resources.path("limits").has("memory")).as(at + " memory limit").isTrue();
        JsonNode security = container.path("securityContext");
        soft.assertThat(security.path("allowPrivilegeEscalation").asBoolean(true))
            .as(at + " allowPrivilegeEscalation")
            .isFalse();
        soft.assertThat(security.path("readOnlyRootFilesystem").asBoolean())
            .as(at + " read-only root file system")
            .isTrue();
        soft.assertThat(list(security.path("capabilities").path("drop")))
            .as(at + " drops all capabilities")
            .extracting(JsonNode::asText)
            .containsExactly("ALL");
        soft.assertThat(container.path("image").asText())
            .as(at + " image tag")
            .doesNotEndWith(":latest")
            .contains(":");
      }
    }
    soft.assertAll();
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "prod"})
  void servicesUseTheirApplicationsPortsHealthEndpointsAndOneImageScheme(String overlay)
      throws Exception {
    Manifests manifests = rendered(overlay);
    SoftAssertions soft = new SoftAssertions();
    Set<String> registriesAndTags = new HashSet<>();
    for (String service : SERVICES) {
      AppConfig config = AppConfig.of(service);
      JsonNode workload = manifests.workload(service);
      JsonNode container = containers(workload).get(0);
      int httpPort = Integer.parseInt(config.defaultOf("quarkus.http.port"));
      String at = overlay + " " + service;
      soft.assertThat(port(container, "http").map(p -> p.path("containerPort").asInt()))
          .as(at + " http port = quarkus.http.port default")
          .contains(httpPort);
      soft.assertThat(env(container, config.environmentVariableOf("quarkus.http.port")))
          .as(at + " sets the port variable its application reads")
          .contains(Integer.toString(httpPort));
      soft.assertThat(container.path("startupProbe").path("httpGet").path("path").asText())
          .as(at + " startup probe")
          .isEqualTo("/q/health/started");
      soft.assertThat(container.path("livenessProbe").path("httpGet").path("path").asText())
          .as(at + " liveness probe")
          .isEqualTo("/q/health/live");
      soft.assertThat(container.path("readinessProbe").path("httpGet").path("path").asText())
          .as(at + " readiness probe")
          .isEqualTo("/q/health/ready");
      for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
        soft.assertThat(container.path(probe).path("httpGet").path("port").asText())
            .as(at + " " + probe + " port")
            .isEqualTo("http");
      }
      Matcher image =
          Pattern.compile("(.+)/relspec-" + service + ":([^:]+)")
              .matcher(container.path("image").asText());
      soft.assertThat(image.matches())
          .as(at + " image " + container.path("image").asText())
          .isTrue();
      if (image.matches()) {
        registriesAndTags.add(image.group(1) + " " + image.group(2));
      }
      // The Service in front of the workload selects its pods and targets ports it declares.
      JsonNode svc = manifests.get("Service", "relspec-" + service);
      soft.assertThat(selects(svc.path("spec").path("selector"), podLabels(workload)))
          .as(at + " Service selects the pods")
          .isTrue();
      for (JsonNode servicePort : list(svc.path("spec").path("ports"))) {
        soft.assertThat(port(container, servicePort.path("targetPort").asText()))
            .as(at + " Service targets a declared port " + servicePort.path("targetPort").asText())
            .isPresent();
      }
      // Graceful shutdown fits in the grace period: preStop pause + the application's own wait.
      long grace = podSpec(workload).path("terminationGracePeriodSeconds").asLong();
      long preStop =
          container.path("lifecycle").path("preStop").path("sleep").path("seconds").asLong();
      soft.assertThat(preStop).as(at + " preStop pause").isPositive();
      long shutdown =
          seconds(
              env(container, "RELSPEC_EXECUTOR_SHUTDOWN_GRACE")
                  .orElse(configValue(manifests, "QUARKUS_SHUTDOWN_TIMEOUT")));
      soft.assertThat(grace)
          .as(at + " terminationGracePeriodSeconds")
          .isGreaterThan(preStop + shutdown);
      soft.assertThat(
              manifests.ofKind("PodDisruptionBudget").stream()
                  .anyMatch(
                      pdb ->
                          selects(
                              pdb.path("spec").path("selector").path("matchLabels"),
                              podLabels(workload))))
          .as(at + " has a PodDisruptionBudget")
          .isTrue();
      soft.assertThat(podSpec(workload).path("serviceAccountName").asText())
          .as(at + " service account")
          .isEqualTo("relspec-" + service);
    }
    soft.assertThat(registriesAndTags)
        .as(overlay + " one registry and tag for all images")
        .hasSize(1);
    soft.assertAll();
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "prod"})
  void executorsAreAStatefulSetWithStableFlightAddressesAndAStoreVolume(String overlay)
      throws Exception {
    Manifests manifests = rendered(overlay);
    AppConfig config = AppConfig.of("executor");
    JsonNode executors = manifests.get("StatefulSet", "relspec-executor");
    JsonNode container = containers(executors).get(0);
    int flightPort = Integer.parseInt(config.defaultOf("relspec.executor.flight.port"));
    assertThat(port(container, "flight").map(p -> p.path("containerPort").asInt()))
        .contains(flightPort);
    assertThat(env(container, config.environmentVariableOf("relspec.executor.flight.port")))
        .contains(Integer.toString(flightPort));

    JsonNode headless =
        manifests.get("Service", executors.path("spec").path("serviceName").asText());
    assertThat(headless.path("spec").path("clusterIP").asText()).isEqualTo("None");
    assertThat(selects(headless.path("spec").path("selector"), podLabels(executors))).isTrue();
    assertThat(list(headless.path("spec").path("ports")))
        .extracting(p -> p.path("port").asInt())
        .contains(flightPort);
    // The advertised Flight URI is the pod's name under the headless Service, on the Flight port.
    assertThat(env(container, "RELSPEC_EXECUTOR_FLIGHT_ADVERTISED_URI"))
        .contains(
            "grpc+tcp://$(POD_NAME)." + name(headless) + ".$(POD_NAMESPACE).svc:" + flightPort);
    assertThat(env(container, config.environmentVariableOf("relspec.executor.id")))
        .contains("$(POD_NAME)");

    String dataDir = env(container, "RELSPEC_DATA_DIR").orElseThrow();
    List<String> claims =
        list(executors.path("spec").path("volumeClaimTemplates")).stream()
            .map(Manifests::name)
            .toList();
    assertThat(list(container.path("volumeMounts")))
        .anySatisfy(
            mount -> {
              assertThat(mount.path("mountPath").asText()).isEqualTo(dataDir);
              assertThat(claims).contains(mount.path("name").asText());
            });
    // Its task queue is the one KEDA watches in prod.
    if (overlay.equals("prod")) {
      JsonNode scaled = manifests.get("ScaledObject", "relspec-executor");
      assertThat(scaled.path("spec").path("scaleTargetRef").path("kind").asText())
          .isEqualTo("StatefulSet");
      assertThat(scaled.path("spec").path("scaleTargetRef").path("name").asText())
          .isEqualTo("relspec-executor");
      assertThat(scaled.path("spec").path("minReplicaCount").asInt()).isGreaterThanOrEqualTo(2);
      assertThat(
              scaled
                  .path("spec")
                  .path("triggers")
                  .get(0)
                  .path("metadata")
                  .path("queueName")
                  .asText())
          .isEqualTo(config.defaultOf("mp.messaging.incoming.task-run-requested.queue.name"));
      String authentication =
          scaled
              .path("spec")
              .path("triggers")
              .get(0)
              .path("authenticationRef")
              .path("name")
              .asText();
      manifests.get("TriggerAuthentication", authentication);
      // The scheduler's bound on running tasks (across all runs) lets every executor KEDA may
      // start fill its slots; a smaller bound would keep the queue short and the executors idle.
      JsonNode scheduler = containers(manifests.get("Deployment", "relspec-scheduler")).get(0);
      int parallelism =
          Integer.parseInt(env(scheduler, "RELSPEC_SCHEDULER_MAX_PARALLEL_TASKS").orElseThrow());
      int slots = Integer.parseInt(env(container, "RELSPEC_EXECUTOR_SLOTS").orElseThrow());
      assertThat(parallelism)
          .isGreaterThanOrEqualTo(scaled.path("spec").path("maxReplicaCount").asInt() * slots);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "prod"})
  void everyServiceHasANetworkPolicyOpeningItsPortsAndNothingElseIsOpen(String overlay)
      throws Exception {
    Manifests manifests = rendered(overlay);
    List<JsonNode> policies = manifests.ofKind("NetworkPolicy");
    SoftAssertions soft = new SoftAssertions();
    for (String service : SERVICES) {
      JsonNode workload = manifests.workload(service);
      Map<String, String> labels = podLabels(workload);
      soft.assertThat(policies)
          .as(overlay + " " + service + " is under a default deny")
          .anySatisfy(
              policy -> {
                assertThat(
                        selects(
                            policy.path("spec").path("podSelector").path("matchLabels"), labels))
                    .isTrue();
                assertThat(policy.path("spec").has("ingress")).isFalse();
                assertThat(policy.path("spec").has("egress")).isFalse();
                assertThat(list(policy.path("spec").path("policyTypes")))
                    .extracting(JsonNode::asText)
                    .contains("Ingress", "Egress");
              });
      List<JsonNode> own =
          policies.stream()
              .filter(p -> p.path("spec").has("ingress"))
              .filter(p -> selects(p.path("spec").path("podSelector").path("matchLabels"), labels))
              .toList();
      soft.assertThat(own).as(overlay + " " + service + " has its own NetworkPolicy").hasSize(1);
      if (own.size() != 1) {
        continue;
      }
      Set<Integer> open = new HashSet<>();
      for (JsonNode rule : list(own.get(0).path("spec").path("ingress"))) {
        list(rule.path("ports")).forEach(p -> open.add(p.path("port").asInt()));
      }
      Set<Integer> declared = new HashSet<>();
      list(containers(workload).get(0).path("ports"))
          .forEach(p -> declared.add(p.path("containerPort").asInt()));
      soft.assertThat(open)
          .as(overlay + " " + service + " ingress ports = its container ports")
          .isEqualTo(declared);
      // Egress only to named peers (pods, with ports), never to everything.
      for (JsonNode rule : list(own.get(0).path("spec").path("egress"))) {
        soft.assertThat(rule.has("to") && rule.has("ports"))
            .as(overlay + " " + service + " egress rule " + rule)
            .isTrue();
      }
    }
    soft.assertAll();
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "prod"})
  void everySecretConfigMapAndServiceAccountReferencedExists(String overlay) throws Exception {
    Manifests manifests = rendered(overlay);
    List<String[]> secretKeys = new ArrayList<>();
    List<String[]> configKeys = new ArrayList<>();
    for (JsonNode workload : manifests.workloads()) {
      String account = podSpec(workload).path("serviceAccountName").asText("");
      if (!account.isEmpty()) {
        manifests.get("ServiceAccount", account);
      }
      for (JsonNode volume : list(podSpec(workload).path("volumes"))) {
        if (volume.has("secret")) {
          secretKeys.add(new String[] {volume.path("secret").path("secretName").asText(), null});
        }
        if (volume.has("configMap")) {
          configKeys.add(new String[] {volume.path("configMap").path("name").asText(), null});
        }
      }
      for (JsonNode container : containers(workload)) {
        for (JsonNode variable : list(container.path("env"))) {
          JsonNode secret = variable.path("valueFrom").path("secretKeyRef");
          if (!secret.isMissingNode()) {
            secretKeys.add(
                new String[] {secret.path("name").asText(), secret.path("key").asText()});
          }
          JsonNode config = variable.path("valueFrom").path("configMapKeyRef");
          if (!config.isMissingNode()) {
            configKeys.add(
                new String[] {config.path("name").asText(), config.path("key").asText()});
          }
        }
        for (JsonNode from : list(container.path("envFrom"))) {
          if (from.has("configMapRef")) {
            configKeys.add(new String[] {from.path("configMapRef").path("name").asText(), null});
          }
          if (from.has("secretRef")) {
            secretKeys.add(new String[] {from.path("secretRef").path("name").asText(), null});
          }
        }
      }
    }
    // Operator resources name Secrets too.
    manifests
        .ofKind("User")
        .forEach(
            u ->
                secretKeys.add(
                    new String[] {
                      u.path("spec").path("importCredentialsSecret").path("name").asText(),
                      "password"
                    }));
    manifests
        .ofKind("Cluster")
        .forEach(
            c ->
                secretKeys.add(
                    new String[] {
                      c.path("spec")
                          .path("bootstrap")
                          .path("initdb")
                          .path("secret")
                          .path("name")
                          .asText(),
                      "password"
                    }));
    for (JsonNode authentication : manifests.ofKind("TriggerAuthentication")) {
      list(authentication.path("spec").path("secretTargetRef"))
          .forEach(
              ref ->
                  secretKeys.add(
                      new String[] {ref.path("name").asText(), ref.path("key").asText()}));
    }
    assertThat(secretKeys).isNotEmpty();
    SoftAssertions soft = new SoftAssertions();
    for (String[] ref : secretKeys) {
      var secret = manifests.find("Secret", ref[0]);
      soft.assertThat(secret).as(overlay + ": Secret " + ref[0]).isPresent();
      if (secret.isPresent() && ref[1] != null) {
        soft.assertThat(secret.get().path("data").has(ref[1]))
            .as(overlay + ": Secret " + ref[0] + " key " + ref[1])
            .isTrue();
      }
    }
    for (String[] ref : configKeys) {
      var config = manifests.find("ConfigMap", ref[0]);
      soft.assertThat(config).as(overlay + ": ConfigMap " + ref[0]).isPresent();
      if (config.isPresent() && ref[1] != null) {
        soft.assertThat(config.get().path("data").has(ref[1]))
            .as(overlay + ": ConfigMap " + ref[0] + " key " + ref[1])
            .isTrue();
      }
    }
    soft.assertAll();
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "prod"})
  void theBrokerAndDatabaseAddressesNameServicesThatExist(String overlay) throws Exception {
    Manifests manifests = rendered(overlay);
    Map<String, String> config =
        Manifests.strings(manifests.get("ConfigMap", "relspec-config").path("data"));
    Set<String> hosts = new HashSet<>();
    manifests.ofKind("Service").forEach(s -> hosts.add(name(s)));
    // Operators create these Services: RabbitmqCluster <name>, CloudNativePG <name>-rw.
    manifests.ofKind("RabbitmqCluster").forEach(c -> hosts.add(name(c)));
    Map<String, String> databases = new HashMap<>();
    for (JsonNode cluster : manifests.ofKind("Cluster")) {
      hosts.add(name(cluster) + "-rw");
      databases.put(
          name(cluster) + "-rw",
          cluster.path("spec").path("bootstrap").path("initdb").path("database").asText());
    }
    assertThat(hosts).contains(config.get("RELSPEC_RABBITMQ_HOST"));
    for (String url :
        List.of(
            config.get("RELSPEC_CATALOG_URL"),
            config.get("RELSPEC_COMPILER_URL"),
            config.get("RELSPEC_SCHEDULER_URL"))) {
      assertThat(hosts).contains(url.replaceAll("^http://([^:/]+).*", "$1"));
    }
    for (String key : List.of("RELSPEC_CATALOG_DB_URL", "RELSPEC_SCHEDULER_DB_URL")) {
      Matcher jdbc =
          Pattern.compile("jdbc:postgresql://([^:/]+):5432/(\\w+)").matcher(config.get(key));
      assertThat(jdbc.matches()).as(config.get(key)).isTrue();
      assertThat(hosts).contains(jdbc.group(1));
      if (databases.containsKey(jdbc.group(1))) {
        assertThat(databases.get(jdbc.group(1))).isEqualTo(jdbc.group(2));
      }
    }
  }

  @Test
  void prodRunsReplicatedBackingServicesAndAtLeastTwoCatalogsAndExecutors() throws Exception {
    Manifests prod = rendered("prod");
    assertThat(
            prod.get("RabbitmqCluster", "relspec-rabbitmq").path("spec").path("replicas").asInt())
        .isGreaterThanOrEqualTo(3);
    assertThat(prod.ofKind("Cluster"))
        .hasSize(2)
        .allSatisfy(
            c -> assertThat(c.path("spec").path("instances").asInt()).isGreaterThanOrEqualTo(2));
    for (String service : List.of("catalog", "compiler", "scheduler")) {
      assertThat(prod.workload(service).path("spec").path("replicas").asInt())
          .as("%s replicas in prod", service)
          .isGreaterThanOrEqualTo(2);
      assertThat(prod.workload(service).path("spec").path("strategy").path("type").asText())
          .as("%s rolls over without downtime", service)
          .isEqualTo("RollingUpdate");
    }
    assertThat(prod.workload("executor").path("spec").path("replicas").asInt())
        .isGreaterThanOrEqualTo(2);
    // One broker user per service, each with its own Secret and a Permission.
    for (String service : SERVICES) {
      assertThat(
              prod.get("User", "relspec-" + service)
                  .path("spec")
                  .path("importCredentialsSecret")
                  .path("name")
                  .asText())
          .isEqualTo("relspec-broker-" + service);
      assertThat(
              prod.get("Permission", "relspec-" + service)
                  .path("spec")
                  .path("userReference")
                  .path("name")
                  .asText())
          .isEqualTo("relspec-" + service);
    }
    assertThat(prod.ofKind("StatefulSet"))
        .extracting(Manifests::name)
        .containsExactly("relspec-executor");
  }

  @Test
  void devBrokerUsersMatchTheServicesSecrets() throws Exception {
    Manifests dev = rendered("dev");
    JsonNode definitions =
        new ObjectMapper()
            .readTree(
                decode(
                    dev.get("Secret", "relspec-rabbitmq-definitions")
                        .path("data")
                        .path("definitions.json")
                        .asText()));
    Map<String, String> users = new HashMap<>();
    list(definitions.path("users"))
        .forEach(u -> users.put(u.path("name").asText(), u.path("password").asText()));
    for (String service : SERVICES) {
      JsonNode secret = dev.get("Secret", "relspec-broker-" + service).path("data");
      String username = decode(secret.path("username").asText());
      assertThat(users)
          .as(service)
          .containsEntry(username, decode(secret.path("password").asText()));
    }
    assertThat(Files.readString(Kustomize.K8S.resolve("overlays/dev/kustomization.yaml")))
        .contains("namespace: relspec-dev");
  }

  private static String decode(String base64) {
    return new String(
        Base64.getMimeDecoder().decode(base64), java.nio.charset.StandardCharsets.UTF_8);
  }

  private static String configValue(Manifests manifests, String key) {
    return manifests.get("ConfigMap", "relspec-config").path("data").path(key).asText();
  }

  private static long seconds(String duration) {
    assertThat(duration).matches("\\d+s");
    return Long.parseLong(duration.substring(0, duration.length() - 1));
  }
}
