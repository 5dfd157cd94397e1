package io.relspec.scheduler.ui;

import io.quarkus.qute.Location;
import io.quarkus.qute.RawString;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateInstance;
import io.relspec.contracts.api.ColumnLineage;
import io.relspec.contracts.api.PlanArtifact;
import io.relspec.contracts.api.runs.RunAccepted;
import io.relspec.contracts.api.runs.RunPreview;
import io.relspec.contracts.api.runs.RunStatus;
import io.relspec.contracts.api.runs.TaskRunState;
import io.relspec.contracts.api.validation.GraphDiagnostic;
import io.relspec.contracts.api.validation.ValidationReport;
import io.relspec.contracts.messaging.RunMode;
import io.relspec.contracts.messaging.RunRequested;
import io.relspec.contracts.model.DatasetName;
import io.relspec.contracts.model.TaskName;
import io.relspec.platform.error.RelspecException;
import io.relspec.platform.security.UiSessions;
import io.relspec.scheduler.graph.GraphNode;
import io.relspec.scheduler.graph.TaskGraph;
import io.relspec.scheduler.graph.Validation;
import io.relspec.scheduler.plans.PlanCatalogs;
import io.relspec.scheduler.runs.RunHistory;
import io.relspec.scheduler.runs.RunQueries;
import io.relspec.scheduler.runs.RunService;
import jakarta.annotation.security.PermitAll;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The web UI: the inferred graph, tasks, runs (live), column lineage and validation, rendered on
 * the server with Qute and made live with htmx. Every page needs a signed-in session (see {@link
 * UiAccess}); every text a user wrote (names, SQL, errors) is escaped by the templates.
 *
 * <p>Over 400 lines on purpose: one method per page of the web UI; the pages share its access
 * checks, problem answers and template data.
 */
@Path("/ui")
@PermitAll
@Produces(MediaType.TEXT_HTML)
public class UiResource {
  /** Most characters of a token a sign-in form may send. */
  static final int MAX_TOKEN_LENGTH = 4_096;

  static final int RUNS_LISTED = 50;
  static final int GRID_RUNS = 25;
  static final int GRID_TASKS = 300;
  static final int TASK_HISTORY = 20;

  private final UiAccess access;
  private final UiSessions sessions;
  private final UiConfig config;
  private final PlanCatalogs planCatalogs;
  private final RunService runs;
  private final RunQueries queries;
  private final RunHistory history;
  private final Validation validation;
  private final LiveRunView live;

  @Inject
  @Location("ui/login.html")
  Template login;

  @Inject
  @Location("ui/graph.html")
  Template graphPage;

  @Inject
  @Location("ui/task.html")
  Template taskPage;

  @Inject
  @Location("ui/runs.html")
  Template runsPage;

  @Inject
  @Location("ui/run.html")
  Template runPage;

  @Inject
  @Location("ui/run-new.html")
  Template runNew;

  @Inject
  @Location("ui/run-plan.html")
  Template runPlan;

  @Inject
  @Location("ui/lineage.html")
  Template lineagePage;

  @Inject
  @Location("ui/validation.html")
  Template validationPage;

  @Inject
  @Location("ui/search.html")
  Template searchResults;

  @Inject
  @Location("ui/error.html")
  Template errorPage;

  public UiResource(
      UiAccess access,
      UiSessions sessions,
      UiConfig config,
      PlanCatalogs planCatalogs,
      RunService runs,
      RunQueries queries,
      RunHistory history,
      Validation validation,
      LiveRunView live) {
    this.access = access;
    this.sessions = sessions;
    this.config = config;
    this.planCatalogs = planCatalogs;
    this.runs = runs;
    this.queries = queries;
    this.history = history;
    this.validation = validation;
    this.live = live;
  }

  // ---------------------------------------------------------------- sign-in

  @GET
  public Response root() {
    return Response.seeOther(URI.create("/ui/graph")).build();
  }

  @GET
  @Path("login")
  public TemplateInstance loginPage(@QueryParam("next") String next) {
    if (!config.enabled()) {
      throw new UiAccess.Disabled();
    }
    return login.data("next", safeNext(next)).data("error", null);
  }

  @POST
  @Path("login")
  @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
  public Response signIn(
      @FormParam("token") String token,
      @FormParam("next") String next,
      @HeaderParam("X-Forwarded-Proto") String forwardedProto,
      @HeaderParam("Origin") String origin,
      @HeaderParam("Host") String host,
      @Context UriInfo uri) {
    if (!config.enabled()) {
      throw new UiAccess.Disabled();
    }
    // A sign-in posted from another site's page (login CSRF) is refused; browsers send Origin.
    if (origin != null && host != null && !sameHost(origin, host)) {
      throw new UiAccess.Refused("sign in from this site's own sign-in page");
    }
    if (token == null || token.isBlank() || token.length() > MAX_TOKEN_LENGTH) {
      return Response.status(400)
          .entity(login.data("next", safeNext(next)).data("error", "Paste an API token."))
          .build();
    }
    return sessions
        .open(token.strip())
        .map(
            cookie ->
                Response.seeOther(URI.create(safeNext(next)))
                    .cookie(
                        sessionCookie(
                            cookie,
                            (int) UiSessions.TTL.toSeconds(),
                            "https".equals(uri.getBaseUri().getScheme())
                                || "https".equalsIgnoreCase(forwardedProto)))
                    .build())
        .orElseGet(
            // 200, not 401: the answer is the sign-in form again, with why, for a person to read.
            () ->
                Response.ok()
                    .entity(
                        login
                            .data("next", safeNext(next))
                            .data("error", "That token is not valid here."))
                    .build());
  }

  @POST
  @Path("logout")
  @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
  public Response signOut(
      @CookieParam(UiSessions.COOKIE) String session, @FormParam("csrf") String csrf) {
    access.withCsrf(session, csrf);
    return Response.seeOther(URI.create("/ui/login")).cookie(sessionCookie("", 0, false)).build();
  }

  // ---------------------------------------------------------------- graph

  @GET
  @Path("graph")
  public TemplateInstance graph(
      @CookieParam(UiSessions.COOKIE) String session,
      @QueryParam("q") String filter,
      @QueryParam("domain") String domain,
      @QueryParam("focus") String focus,
      @QueryParam("direction") String direction,
      @QueryParam("depth") @DefaultValue("3") int depth) {
    UiAccess.Viewer viewer = access.viewer(session);
    GraphLayout.Query query = query(filter, domain, focus, direction, depth);
    TaskGraph graph = planCatalogs.latest();
    if (query.focus() != null) {
      GraphLayout.find(graph, query.focus());
    }
    GraphLayout.View view = GraphLayout.of(graph, Map.of(), query, config.maxGraphNodes());
    Map<String, String> params = new LinkedHashMap<>();
    params.put("q", query.filter());
    params.put("domain", query.domain());
    params.put("focus", query.focus() == null ? "" : query.focus());
    params.put("direction", query.direction().name().toLowerCase(Locale.ROOT));
    params.put("depth", String.valueOf(query.depth()));
    return page(graphPage, viewer, "graph")
        .data("query", query)
        .data("direction", params.get("direction"))
        .data("view", view)
        .data("dataUrl", "/ui/graph/data?" + UiText.queryString(params));
  }

  @GET
  @Path("graph/data")
  @Produces(MediaType.APPLICATION_JSON)
  public GraphLayout.View graphData(
      @CookieParam(UiSessions.COOKIE) String session,
      @QueryParam("q") String filter,
      @QueryParam("domain") String domain,
      @QueryParam("focus") String focus,
      @QueryParam("direction") String direction,
      @QueryParam("depth") @DefaultValue("3") int depth) {
    access.viewer(session);
    GraphLayout.Query query = query(filter, domain, focus, direction, depth);
    return GraphLayout.of(
        planCatalogs.latest(), history.lastStates(GRID_RUNS), query, config.maxGraphNodes());
  }

  private static GraphLayout.Query query(
      String filter, String domain, String focus, String direction, int depth) {
    return new GraphLayout.Query(
        filter, domain, focus, GraphLayout.Direction.parse(direction), depth);
  }

  @GET
  @Path("graph/search")
  public TemplateInstance search(
      @CookieParam(UiSessions.COOKIE) String session, @QueryParam("q") String text) {
    access.viewer(session);
    List<GraphNode> found =
        text == null || text.isBlank()
            ? List.of()
            : GraphLayout.search(planCatalogs.latest(), text, 25);
    return searchResults.data("nodes", found).data("text", text == null ? "" : text);
  }

  // ---------------------------------------------------------------- task

  @GET
  @Path("tasks/{name}")
  public TemplateInstance task(
      @CookieParam(UiSessions.COOKIE) String session, @PathParam("name") String name) {
    UiAccess.Viewer viewer = access.viewer(session);
    TaskGraph graph = planCatalogs.latest();
    TaskName task;
    try {
      task = TaskName.of(name);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("'" + name + "' is not a task name");
    }
    PlanArtifact plan = graph.plan(task);
    if (plan == null) {
      throw new java.util.NoSuchElementException(
          "no task '" + name + "' in plan catalog " + graph.planCatalogId());
    }
    List<LineageRow> lineage = new ArrayList<>();
    for (ColumnLineage entry : plan.lineage()) {
      lineage.add(
          new LineageRow(
              entry.column(),
              entry.origins().stream()
                  .map(
                      origin ->
                          new OriginRow(
                              origin.dataset().value() + "." + origin.column(),
                              origin.type().name().toLowerCase(Locale.ROOT),
                              origin.subtype().name().toLowerCase(Locale.ROOT)))
                  .toList()));
    }
    List<GraphDiagnostic> diagnostics =
        graph.diagnostics().stream().filter(d -> name.equals(d.subject())).toList();
    return page(taskPage, viewer, "graph")
        .data("plan", plan)
        .data("sqlHtml", new RawString(SqlHighlighter.html(plan.sql())))
        .data("kind", plan.kind() == null ? "compute" : plan.kind().name().toLowerCase(Locale.ROOT))
        .data("lineage", lineage)
        .data("required", plan.requiredColumns())
        .data("generation", graph.generation(task))
        .data("blockedBy", graph.blockedBy(task).map(Object::toString).orElse(null))
        .data("diagnostics", diagnostics)
        .data("upstream", graph.upstreamTasks(task))
        .data("downstream", graph.downstreamTasks(task))
        .data("history", history.taskHistory(task, TASK_HISTORY));
  }

  public record OriginRow(String column, String type, String subtype) {}

  public record LineageRow(String column, List<OriginRow> origins) {}

  // ---------------------------------------------------------------- runs

  /** One line of the run list. */
  public record RunRow(
      RunStatus run, String duration, int ran, int reused, int failed, int total) {}

  /** One row of the run grid: a task and its state in each listed run (null: not in that run). */
  public record GridRow(String task, List<GridCell> cells) {}

  public record GridCell(String runId, String state) {}

  @GET
  @Path("runs")
  public TemplateInstance runList(@CookieParam(UiSessions.COOKIE) String session) {
    UiAccess.Viewer viewer = access.viewer(session);
    List<RunStatus> recent = queries.recent(RUNS_LISTED);
    Map<String, Map<TaskName, TaskRunState>> states =
        history.states(recent.stream().map(RunStatus::runId).toList());
    Instant now = Instant.now();
    List<RunRow> rows = new ArrayList<>();
    for (RunStatus run : recent) {
      Map<TaskName, TaskRunState> tasks = states.getOrDefault(run.runId(), Map.of());
      rows.add(
          new RunRow(
              run,
              UiText.duration(
                  Duration.between(
                      run.createdAt(), run.finishedAt() == null ? now : run.finishedAt())),
              (int) tasks.values().stream().filter(s -> s == TaskRunState.SUCCEEDED).count(),
              (int) tasks.values().stream().filter(s -> s == TaskRunState.REUSED).count(),
              (int) tasks.values().stream().filter(s -> s == TaskRunState.FAILED).count(),
              tasks.size()));
    }
    // The grid: oldest run on the left, as Airflow's; tasks in the graph's order.
    List<RunStatus> gridRuns =
        new ArrayList<>(recent.subList(0, Math.min(GRID_RUNS, recent.size())));
    java.util.Collections.reverse(gridRuns);
    List<GridRow> grid = new ArrayList<>();
    TaskGraph graph;
    try {
      graph = planCatalogs.latest();
    } catch (RelspecException noPlanCatalogYet) {
      graph = null;
    }
    List<TaskName> order = graph == null ? List.of() : graph.topologicalOrder();
    for (TaskName task : order.subList(0, Math.min(GRID_TASKS, order.size()))) {
      List<GridCell> cells = new ArrayList<>();
      for (RunStatus run : gridRuns) {
        TaskRunState state = states.getOrDefault(run.runId(), Map.of()).get(task);
        cells.add(
            new GridCell(
                run.runId(), state == null ? null : state.name().toLowerCase(Locale.ROOT)));
      }
      grid.add(new GridRow(task.value(), cells));
    }
    return page(runsPage, viewer, "runs")
        .data("rows", rows)
        .data("gridRuns", gridRuns)
        .data("grid", grid)
        .data("gridTruncated", order.size() > GRID_TASKS)
        .data("taskCount", order.size());
  }

  @GET
  @Path("runs/new")
  public TemplateInstance newRun(@CookieParam(UiSessions.COOKIE) String session) {
    UiAccess.Viewer viewer = access.viewer(session);
    return page(runNew, viewer, "runs").data("error", null);
  }

  @POST
  @Path("runs/preview")
  @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
  public TemplateInstance preview(
      @CookieParam(UiSessions.COOKIE) String session,
      @HeaderParam("X-Relspec-CSRF") String csrfHeader,
      @FormParam("csrf") String csrfForm,
      @FormParam("mode") String mode,
      @FormParam("targets") String targets,
      @FormParam("force") String force) {
    UiAccess.Viewer viewer = access.withCsrf(session, csrfHeader == null ? csrfForm : csrfHeader);
    try {
      RunPreview plan = runs.preview(request(viewer, mode, targets, force));
      return runPlan.data("preview", plan).data("error", null);
    } catch (IllegalArgumentException | RelspecException e) {
      // Swapped into the form's plan area as it is typed (htmx swaps only 2xx answers).
      return runPlan.data("preview", null).data("error", e.getMessage());
    }
  }

  @POST
  @Path("runs")
  @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
  public Response startRun(
      @CookieParam(UiSessions.COOKIE) String session,
      @FormParam("csrf") String csrf,
      @FormParam("mode") String mode,
      @FormParam("targets") String targets,
      @FormParam("force") String force) {
    UiAccess.Viewer viewer = access.operator(session, csrf);
    RunAccepted accepted = runs.start(request(viewer, mode, targets, force));
    return Response.seeOther(URI.create("/ui/runs/" + accepted.runId())).build();
  }

  @GET
  @Path("runs/{id}")
  public TemplateInstance run(
      @CookieParam(UiSessions.COOKIE) String session, @PathParam("id") String id) {
    UiAccess.Viewer viewer = access.viewer(session);
    RunStatus run = queries.status(id);
    return page(runPage, viewer, "runs")
        .data("run", run)
        .data("live", new RawString(live.render(run, viewer)))
        .data("terminal", run.state().isTerminal());
  }

  @GET
  @Path("runs/{id}/live")
  public String runFragment(
      @CookieParam(UiSessions.COOKIE) String session, @PathParam("id") String id) {
    return live.render(queries.status(id), access.viewer(session));
  }

  @POST
  @Path("runs/{id}/cancel")
  @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
  public Response cancel(
      @CookieParam(UiSessions.COOKIE) String session,
      @FormParam("csrf") String csrf,
      @PathParam("id") String id) {
    access.operator(session, csrf);
    runs.cancel(id);
    return Response.seeOther(URI.create("/ui/runs/" + id)).build();
  }

  @POST
  @Path("runs/{id}/rerun")
  @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
  public Response rerun(
      @CookieParam(UiSessions.COOKIE) String session,
      @FormParam("csrf") String csrf,
      @PathParam("id") String id) {
    UiAccess.Viewer viewer = access.operator(session, csrf);
    RunRequested original =
        history
            .request(id)
            .orElseThrow(() -> new java.util.NoSuchElementException("no run with id '" + id + "'"));
    RunAccepted accepted =
        runs.start(
            new RunRequested(
                UUID.randomUUID(),
                Instant.now(),
                viewer.name(),
                original.mode(),
                original.targets(),
                original.changedFiles(),
                original.removedFiles(),
                original.force(),
                original.allowPartial()));
    return Response.seeOther(URI.create("/ui/runs/" + accepted.runId())).build();
  }

  private static RunRequested request(
      UiAccess.Viewer viewer, String mode, String targets, String force) {
    RunMode runMode =
        mode == null || mode.isBlank()
            ? RunMode.INCREMENTAL
            : RunMode.valueOf(mode.strip().toUpperCase(Locale.ROOT));
    return new RunRequested(
        UUID.randomUUID(),
        Instant.now(),
        viewer.name(),
        runMode,
        names(targets).stream().map(DatasetName::of).toList(),
        null,
        null,
        names(force).stream().map(TaskName::of).toList(),
        false);
  }

  private static List<String> names(String text) {
    if (text == null || text.isBlank()) {
      return List.of();
    }
    if (text.length() > 100_000) {
      throw new IllegalArgumentException("at most 100,000 characters of names");
    }
    return Arrays.stream(text.split("[\\s,]+")).filter(name -> !name.isEmpty()).toList();
  }

  // ---------------------------------------------------------------- lineage

  @GET
  @Path("lineage")
  public TemplateInstance lineage(
      @CookieParam(UiSessions.COOKIE) String session,
      @QueryParam("column") String column,
      @QueryParam("indirect") @DefaultValue("false") boolean indirect) {
    UiAccess.Viewer viewer = access.viewer(session);
    ColumnLineageGraph.View view = null;
    if (column != null && !column.isBlank()) {
      view =
          ColumnLineageGraph.of(
              planCatalogs.latest(),
              ColumnLineageGraph.ColumnRef.parse(column),
              indirect,
              config.maxGraphNodes());
    }
    Map<String, String> params = new LinkedHashMap<>();
    params.put("column", column == null ? "" : column.strip());
    params.put("indirect", String.valueOf(indirect));
    return page(lineagePage, viewer, "lineage")
        .data("column", column == null ? "" : column.strip())
        .data("indirect", indirect)
        .data("view", view)
        .data("dataUrl", "/ui/lineage/data?" + UiText.queryString(params));
  }

  /** The lineage explorer's cytoscape elements. */
  public record LineageData(
      String column,
      boolean limited,
      List<GraphLayout.Node> nodes,
      List<ColumnLineageGraph.ColumnEdge> edges) {}

  @GET
  @Path("lineage/data")
  @Produces(MediaType.APPLICATION_JSON)
  public LineageData lineageData(
      @CookieParam(UiSessions.COOKIE) String session,
      @QueryParam("column") String column,
      @QueryParam("indirect") @DefaultValue("false") boolean indirect) {
    access.viewer(session);
    ColumnLineageGraph.View view =
        ColumnLineageGraph.of(
            planCatalogs.latest(),
            ColumnLineageGraph.ColumnRef.parse(column),
            indirect,
            config.maxGraphNodes());
    return new LineageData(
        view.column(), view.limited(), ColumnLineageGraph.positioned(view), view.edges());
  }

  // ---------------------------------------------------------------- validation

  /** Diagnostics of one severity and source. */
  public record DiagnosticGroup(String severity, String source, List<GraphDiagnostic> items) {}

  @GET
  @Path("validation")
  public TemplateInstance validationReport(@CookieParam(UiSessions.COOKIE) String session) {
    UiAccess.Viewer viewer = access.viewer(session);
    ValidationReport report = validation.report();
    Map<String, List<GraphDiagnostic>> grouped = new LinkedHashMap<>();
    for (GraphDiagnostic diagnostic : report.diagnostics()) {
      grouped
          .computeIfAbsent(
              diagnostic.severity().name() + "\u0000" + diagnostic.source(),
              key -> new ArrayList<>())
          .add(diagnostic);
    }
    List<DiagnosticGroup> groups = new ArrayList<>();
    grouped.forEach(
        (key, items) -> {
          String[] parts = key.split("\u0000", 2);
          groups.add(new DiagnosticGroup(parts[0].toLowerCase(Locale.ROOT), parts[1], items));
        });
    return page(validationPage, viewer, "validation").data("report", report).data("groups", groups);
  }

  // ---------------------------------------------------------------- plumbing

  private static TemplateInstance page(Template template, UiAccess.Viewer viewer, String nav) {
    return template.data("viewer", viewer).data("nav", nav);
  }

  /** Only paths of this UI are followed after sign-in; anything else goes to the graph. */
  static String safeNext(String next) {
    if (next == null
        || !next.startsWith("/ui/")
        || next.startsWith("//")
        || next.contains("\\")
        || next.chars().anyMatch(Character::isISOControl)) {
      return "/ui/graph";
    }
    return next;
  }

  static boolean sameHost(String origin, String host) {
    try {
      URI parsed = URI.create(origin);
      String authority = parsed.getRawAuthority();
      return authority != null && authority.equalsIgnoreCase(host);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static NewCookie sessionCookie(String value, int maxAge, boolean secure) {
    return new NewCookie.Builder(UiSessions.COOKIE)
        .value(value)
        .path("/ui")
        .httpOnly(true)
        .secure(secure)
        .sameSite(NewCookie.SameSite.STRICT)
        .maxAge(maxAge)
        .build();
  }

  @ServerExceptionMapper
  public Response signInRequired(UiAccess.SignInRequired e, UriInfo uri) {
    String next = "/" + uri.getPath().replaceFirst("^/", "");
    if (uri.getRequestUri().getRawQuery() != null) {
      next += "?" + uri.getRequestUri().getRawQuery();
    }
    if (uri.getPath().contains("/data") || uri.getPath().endsWith("/live")) {
      return Response.status(401).type(MediaType.TEXT_PLAIN).entity("sign in first").build();
    }
    return Response.seeOther(
            URI.create(
                "/ui/login?next="
                    + java.net.URLEncoder.encode(next, java.nio.charset.StandardCharsets.UTF_8)))
        .build();
  }

  @ServerExceptionMapper
  public Response refused(UiAccess.Refused e) {
    return error(403, "Not allowed", e.getMessage());
  }

  @ServerExceptionMapper
  public Response disabled(UiAccess.Disabled e) {
    return Response.status(404).type(MediaType.TEXT_PLAIN).entity(e.getMessage()).build();
  }

  @ServerExceptionMapper
  public Response badRequest(IllegalArgumentException e) {
    return error(400, "Bad request", e.getMessage());
  }

  @ServerExceptionMapper
  public Response notFound(java.util.NoSuchElementException e) {
    return error(404, "Not found", e.getMessage());
  }

  @ServerExceptionMapper
  public Response focusNotFound(GraphLayout.NoSuchElementException e) {
    return error(404, "Not found", e.getMessage());
  }

  @ServerExceptionMapper
  public Response relspec(RelspecException e) {
    return error(e.errorCode().httpStatus(), e.errorCode().code(), e.getMessage());
  }

  private Response error(int status, String title, String message) {
    return Response.status(status)
        .type(MediaType.TEXT_HTML_TYPE.withCharset("UTF-8"))
        .entity(errorPage.data("title", title).data("message", message).render())
        .build();
  }
}
