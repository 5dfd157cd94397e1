package io.relspec.contracts.spi;

import io.relspec.contracts.spec.TaskBundle;

/**
 * Extension packs: a jar on the classpath contributes a bundle by listing its implementation in
 * {@code META-INF/services/io.relspec.contracts.spi.TaskBundleProvider}.
 */
public interface TaskBundleProvider {
  /** The bundle this pack contributes; called once at discovery. */
  TaskBundle bundle();
}
