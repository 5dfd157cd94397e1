package io.relspec.scheduler.api;

import io.relspec.contracts.messaging.RunMode;
import io.relspec.contracts.model.DatasetName;
import io.relspec.contracts.model.TaskName;
import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.List;
import java.util.Map;

/**
 * Body of POST /api/v1/runs. Every field is optional: the default is an incremental run of
 * everything. With {@code dryRun} nothing starts: the answer is the plan a run would follow. A file
 * id is 1 to {@value #MAX_FILE_ID_LENGTH} characters without control characters (Bean Validation,
 * answered as {@code INVALID_REQUEST} naming the field).
 */
public record RunRequest(
    RunMode mode,
    List<DatasetName> targets,
    @FileIds Map<DatasetName, List<String>> changedFiles,
    @FileIds Map<DatasetName, List<String>> removedFiles,
    List<TaskName> force,
    Boolean allowPartial,
    Boolean dryRun) {
  /**
   * Upper bound on file ids in one request; larger changes belong in a SourceDataUpdated stream.
   */
  public static final int MAX_FILE_IDS = 1_000_000;

  public static final int MAX_FILE_ID_LENGTH = 512;

  /**
   * Every file id is 1 to {@value #MAX_FILE_ID_LENGTH} characters without control characters. The
   * first bad one is the one violation, named by dataset and position ({@code
   * changedFiles[orders][3]}): a request with a million bad ids gets one answer, not a million.
   */
  @Constraint(validatedBy = FileIds.Check.class)
  @Target(ElementType.FIELD)
  @Retention(RetentionPolicy.RUNTIME)
  @Documented
  public @interface FileIds {
    String MESSAGE = "a file id is 1 to 512 characters without control characters";

    String message() default MESSAGE;

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    /** Finds the first bad file id. */
    final class Check implements ConstraintValidator<FileIds, Map<DatasetName, List<String>>> {
      @Override
      public boolean isValid(
          Map<DatasetName, List<String>> files, ConstraintValidatorContext context) {
        if (files == null) {
          return true;
        }
        for (Map.Entry<DatasetName, List<String>> entry : files.entrySet()) {
          List<String> ids = entry.getValue() == null ? List.of() : entry.getValue();
          for (int i = 0; i < ids.size(); i++) {
            if (!valid(ids.get(i))) {
              context.disableDefaultConstraintViolation();
              context
                  .buildConstraintViolationWithTemplate(MESSAGE)
                  .addContainerElementNode("<map value>", Map.class, 1)
                  .inIterable()
                  .atKey(entry.getKey())
                  .addContainerElementNode("<list element>", List.class, 0)
                  .inIterable()
                  .atIndex(i)
                  .addConstraintViolation();
              return false;
            }
          }
        }
        return true;
      }

      private static boolean valid(String id) {
        return id != null
            && !id.isEmpty()
            && id.length() <= MAX_FILE_ID_LENGTH
            && id.chars().noneMatch(Character::isISOControl);
      }
    }
  }
}
