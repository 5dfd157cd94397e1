package io.relspec.catalog.model;

import io.relspec.catalog.CatalogErrorCode;
import io.relspec.contracts.api.BundleSummary;
import io.relspec.contracts.model.DatasetName;
import io.relspec.contracts.model.TaskName;
import io.relspec.contracts.spec.TaskSpec;
import io.relspec.contracts.spec.TemplateInstance;
import io.relspec.platform.error.RelspecException;
import java.util.Map;
import java.util.SortedMap;

/**
 * Who owns what in a catalog: an object a bundle defines belongs to it and changes only with a new
 * version of that bundle; another bundle cannot define it, and an object registered on its own
 * joins a bundle only as defined. A task synthesized from a contract changes with that contract.
 */
final class Ownership {
  private Ownership() {}

  /** The bundle owning an object, or null. */
  static String ownerOf(CatalogState state, CatalogState.Kind kind, String name) {
    for (Map.Entry<String, BundleSummary> entry : state.bundles().entrySet()) {
      BundleSummary summary = entry.getValue();
      boolean owns =
          switch (kind) {
            case DATASET -> summary.datasets().contains(DatasetName.of(name));
            case FUNCTION -> summary.functions().contains(name);
            case TEMPLATE -> summary.templates().contains(name);
            case TASK -> summary.tasks().contains(TaskName.of(name));
          };
      if (owns) {
        return entry.getKey();
      }
    }
    return null;
  }

  static void requireNotOwned(
      CatalogState state, CatalogState.Kind kind, String name, String verb) {
    String owner = state.ownerOf(kind, name);
    if (owner != null) {
      throw new RelspecException(
          CatalogErrorCode.OWNED_BY_BUNDLE,
          kind.noun()
              + " '"
              + name
              + "' belongs to bundle '"
              + owner
              + "' and cannot be "
              + verb
              + " on its own; post a new version of the bundle instead");
    }
  }

  static void requireNotOwnedByOther(
      CatalogState state, CatalogState.Kind kind, String name, String bundle) {
    String owner = state.ownerOf(kind, name);
    if (owner != null && !owner.equals(bundle)) {
      throw new RelspecException(
          CatalogErrorCode.NAME_CONFLICT,
          kind.noun()
              + " '"
              + name
              + "' belongs to bundle '"
              + owner
              + "'; bundle '"
              + bundle
              + "' cannot also define it");
    }
  }

  /**
   * A member registered on its own (through the API) may join a bundle only as defined: the bundle
   * adopts it, never silently replaces it.
   */
  static void requireAdoptable(
      CatalogState state,
      CatalogState.Kind kind,
      String name,
      String bundle,
      Object registered,
      Object defined) {
    if (registered == null || state.ownerOf(kind, name) != null || registered.equals(defined)) {
      return;
    }
    throw new RelspecException(
        CatalogErrorCode.NAME_CONFLICT,
        kind.noun()
            + " '"
            + name
            + "' was registered on its own with another definition; bundle '"
            + bundle
            + "' cannot replace it (delete it first, or define it exactly as registered)");
  }

  static void requireNotSynthesized(
      CatalogState state, TaskName name, SortedMap<TaskName, TaskSpec> effective) {
    if (!state.tasks().containsKey(name) && effective.get(name) instanceof TaskSpec synthesized) {
      throw new RelspecException(
          CatalogErrorCode.SYNTHESIZED_TASK,
          "task '"
              + name
              + "' is synthesized from the contract of '"
              + synthesized.metadata().get("relspec.contract")
              + "' (template '"
              + synthesized.metadata().get("relspec.template")
              + "'); change that contract's '"
              + TemplateInstance.METADATA_KEY
              + "' metadata instead");
    }
  }
}
