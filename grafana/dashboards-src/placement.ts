/**
 * The SDK sets `placement: "inControlsMenu"` on every link and annotation it builds, which
 * hides dashboard links and annotation toggles in the controls dropdown (and means nothing
 * on panel and data links). Without it Grafana shows them in the dashboard's top bar.
 */
import type * as cog from '@grafana/grafana-foundation-sdk/cog';

/** Wraps `builder` so the object it builds has no `placement`. */
export function withoutPlacement<T extends { placement?: unknown }>(builder: cog.Builder<T>): cog.Builder<T> {
  return {
    build: () => {
      const built = builder.build();
      delete built.placement;
      return built;
    },
  };
}
