package io.relspec.scheduler.leadership;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Readiness data saying whether this replica is the active or a standby scheduler (both UP). */
@Readiness
@ApplicationScoped
public class LeadershipCheck implements HealthCheck {
  private final Leadership leadership;

  public LeadershipCheck(Leadership leadership) {
    this.leadership = leadership;
  }

  @Override
  public HealthCheckResponse call() {
    return HealthCheckResponse.named("scheduler-leadership")
        .up()
        .withData("role", leadership.active() ? "active" : "standby")
        .build();
  }
}
