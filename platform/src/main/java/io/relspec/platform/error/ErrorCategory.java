package io.relspec.platform.error;

/** Whether the caller can fix the request (USER) or the fault is ours (INTERNAL). */
public enum ErrorCategory {
  USER,
  INTERNAL
}
