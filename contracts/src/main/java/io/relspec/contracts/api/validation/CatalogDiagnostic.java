package io.relspec.contracts.api.validation;

import io.relspec.contracts.api.validation.GraphDiagnostic.Severity;

/**
 * One finding of the catalog's structural checks (GET /api/v1/validation/catalog): a stable code,
 * its severity, what it is about, and a one-line explanation. The scheduler joins them into its
 * {@link ValidationReport}.
 *
 * @param kind {@code task}, {@code dataset}, {@code function} or {@code bundle}
 */
public record CatalogDiagnostic(
    String code, Severity severity, String kind, String name, String message) {}
