import type { SpaceStatus } from '../api/types';
import { t } from '../i18n';
import { STATUS_COLOURS } from '../map';

export function StatusBadge({ status }: { status: SpaceStatus }) {
  return (
    <span class="status" style={{ borderColor: STATUS_COLOURS[status] }}>
      <span class="dot" style={{ background: STATUS_COLOURS[status] }} aria-hidden="true" />
      {t(`status.${status}`)}
    </span>
  );
}
