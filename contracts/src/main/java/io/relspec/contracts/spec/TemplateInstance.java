package io.relspec.contracts.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.type.TypeReference;
import io.relspec.contracts.messaging.RelspecJson;
import io.relspec.contracts.model.Collections2;
import io.relspec.contracts.model.Identifiers;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One use of a template, listed in a dataset contract's metadata under {@link #METADATA_KEY} as a
 * JSON array: {@code [{"template":"dedupe","args":{"keys":["id"]}}]}. {@code name} is optional;
 * without it the task is named {@code <dataset>__<template>} (with {@code _<n>} when the same
 * template is used more than once on one dataset).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TemplateInstance(String template, Map<String, Object> args, String name) {
  public static final String METADATA_KEY = "relspec.templates";

  private static final TypeReference<List<TemplateInstance>> LIST = new TypeReference<>() {};

  public TemplateInstance {
    Objects.requireNonNull(template, "template is null");
    Identifiers.requireName(template, "template name");
    args = Collections2.sortedCopy(args);
    if (name != null) {
      Identifiers.requireName(name, "task name");
    }
  }

  /** Parses the metadata value; throws {@link IllegalArgumentException} saying what is wrong. */
  public static List<TemplateInstance> parseList(String json) {
    try {
      List<TemplateInstance> instances = RelspecJson.mapper().readValue(json, LIST);
      if (instances == null || instances.contains(null)) {
        throw new IllegalArgumentException("must be a JSON array of template instances");
      }
      return List.copyOf(instances);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      String reason = e.getOriginalMessage();
      throw new IllegalArgumentException(
          "is not a JSON array of {\"template\":…,\"args\":{…}}: " + reason, e);
    }
  }
}
