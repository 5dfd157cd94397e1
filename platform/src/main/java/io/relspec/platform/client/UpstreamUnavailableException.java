package io.relspec.platform.client;

import io.relspec.platform.error.PlatformErrorCode;
import io.relspec.platform.error.RelspecException;

/**
 * Another Relspec service could not answer now: unreachable, timed out, or it answered 408, 429 or
 * a 5xx. The one failure of a call between services worth retrying ({@code @Retry(retryOn = …)}); a
 * refusal (401, 403, 400) or a 404 is a {@link RelspecException} that retrying would not change.
 */
public class UpstreamUnavailableException extends RelspecException {
  public UpstreamUnavailableException(String detail, Throwable cause) {
    super(PlatformErrorCode.UPSTREAM_UNAVAILABLE, detail, cause);
  }
}
