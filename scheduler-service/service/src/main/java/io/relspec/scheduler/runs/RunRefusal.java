package io.relspec.scheduler.runs;

import io.relspec.contracts.api.runs.RunProblem;
import io.relspec.contracts.messaging.RunRequested;
import io.relspec.platform.error.ProblemDetails;
import io.relspec.platform.error.RelspecException;
import io.relspec.scheduler.SchedulerErrorCode;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Whether a planned run is refused: any problem refuses it, unless the request allows a partial
 * run, which only unknown names still refuse. One kind of unknown name is reported as that kind
 * (404-like codes such as {@code UNKNOWN_TASK}); anything else is {@code VALIDATION_FAILED}, with
 * every problem as a violation.
 */
final class RunRefusal {
  private RunRefusal() {}

  static List<RunProblem> refusing(RunRequested request, RunPlanner.Plan plan) {
    return plan.problems().stream()
        .filter(problem -> !request.allowPartial() || problem.code().startsWith("UNKNOWN_"))
        .toList();
  }

  static void refuseIfProblems(RunRequested request, RunPlanner.Plan plan) {
    List<RunProblem> refusing = refusing(request, plan);
    if (refusing.isEmpty()) {
      return;
    }
    Set<String> codes = new HashSet<>();
    refusing.forEach(problem -> codes.add(problem.code()));
    // One kind of unknown name is reported as that kind; anything else is a validation failure.
    SchedulerErrorCode code =
        codes.size() == 1 && codes.iterator().next().startsWith("UNKNOWN_")
            ? SchedulerErrorCode.valueOf(codes.iterator().next())
            : SchedulerErrorCode.VALIDATION_FAILED;
    throw new RelspecException(
        code,
        refusing.size()
            + " problem(s) refuse this run"
            + (request.allowPartial() || code != SchedulerErrorCode.VALIDATION_FAILED
                ? ""
                : "; fix them (GET /api/v1/validation) or set allowPartial to run what is unaffected"),
        refusing.stream()
            .map(
                problem ->
                    new ProblemDetails.Violation(
                        problem.task() == null ? problem.code() : problem.task().value(),
                        problem.code() + ": " + problem.message()))
            .toList(),
        null);
  }
}
