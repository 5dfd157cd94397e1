package io.relspec.scheduler.ui;

import io.quarkus.qute.TemplateExtension;
import java.util.Locale;

/** Small helpers the UI's templates call, e.g. {@code {task.state.lower}} for CSS classes. */
@TemplateExtension
final class UiTemplateExtensions {
  private UiTemplateExtensions() {}

  /** An enum constant in lower case: {@code SUCCEEDED} becomes {@code succeeded}. */
  static String lower(Enum<?> value) {
    return value.name().toLowerCase(Locale.ROOT);
  }
}
