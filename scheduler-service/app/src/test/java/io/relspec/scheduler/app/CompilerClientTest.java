package io.relspec.scheduler.app;

import static io.relspec.scheduler.Plans.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.relspec.contracts.api.PlanCatalog;
import io.relspec.platform.client.UpstreamUnavailableException;
import io.relspec.platform.error.PlatformErrorCode;
import io.relspec.platform.error.RelspecException;
import io.relspec.scheduler.Plans;
import io.relspec.scheduler.plans.CompilerClient;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

/**
 * The scheduler's calls to the compiler (MicroProfile REST Client with Fault Tolerance's
 * {@code @Retry}) against an HTTP compiler told how to fail: what the compiler cannot answer now is
 * asked for again, what it refuses or does not have is not.
 */
@QuarkusTest
@QuarkusTestResource(CompilerStub.class)
class CompilerClientTest {
  @Inject CompilerClient compiler;

  private static PlanCatalog catalog(String id) {
    PlanCatalog catalog = Plans.catalog().id(id).task(task("a")).build();
    CompilerStub.serve(catalog);
    return catalog;
  }

  @Test
  void anAnswerTheCompilerCouldNotGiveNowIsAskedForAgain() {
    PlanCatalog served = catalog("retried-503");
    CompilerStub.failNext(served.id(), 2, 503);

    PlanCatalog fetched = compiler.planCatalog(served.id(), served.snapshotId());

    assertThat(fetched.id()).isEqualTo(served.id());
    assertThat(fetched.plans().keySet()).isEqualTo(served.plans().keySet());
    assertThat(CompilerStub.requests(served.id())).isEqualTo(3);
  }

  @Test
  void aCompilerThatStaysUnavailableFailsAfterThreeTries() {
    PlanCatalog served = catalog("down-502");
    CompilerStub.failNext(served.id(), 10, 502);

    assertThatThrownBy(() -> compiler.planCatalog(served.id(), served.snapshotId()))
        .isInstanceOf(UpstreamUnavailableException.class)
        .hasMessageContaining("compiler-service")
        .hasMessageContaining("answered 502: STUB_FAILURE told to fail");
    assertThat(CompilerStub.requests(served.id())).isEqualTo(3);
  }

  @Test
  void aPlanCatalogTheCompilerDoesNotHaveIsAskedForOnce() {
    assertThatThrownBy(() -> compiler.planCatalog("nowhere", null))
        .isInstanceOf(RelspecException.class)
        .isNotInstanceOf(UpstreamUnavailableException.class)
        .satisfies(
            e ->
                assertThat(((RelspecException) e).errorCode())
                    .isEqualTo(PlatformErrorCode.NOT_FOUND))
        .hasMessageContaining("PLAN_CATALOG_NOT_FOUND no nowhere");
    assertThat(CompilerStub.requests("nowhere")).isEqualTo(1);
  }

  @Test
  void aRefusalIsNotAskedForAgain() {
    PlanCatalog served = catalog("refused-401");
    CompilerStub.failNext(served.id(), 1, 401);

    assertThatThrownBy(() -> compiler.planCatalog(served.id(), served.snapshotId()))
        .isInstanceOf(RelspecException.class)
        .isNotInstanceOf(UpstreamUnavailableException.class)
        .hasMessageContaining("answered 401");
    assertThat(CompilerStub.requests(served.id())).isEqualTo(1);
  }
}
