// The back office is for the workspace's officers and administrators (some pages for its
// administrators only): others are asked to sign in, or told that their account has no role
// here. The server enforces the same rule.

import type { ComponentChildren } from 'preact';
import { Loading } from './Messages';
import { t } from '../i18n';
import { paths } from '../router';
import { isStaff, useSession } from '../session';

// Asks the visitor to sign in and come back to `next` (default: this page); `staff` says the
// page is for the workspace's officers.
export function SignInPrompt({ next, staff = false }: { next?: string; staff?: boolean }) {
  return (
    <section class="narrow">
      <h1>{t('account.sign_in_needed')}</h1>
      {staff && <p>{t('account.back_office_staff')}</p>}
      <p><a class="button" href={paths.login(next ?? location.pathname + location.search)}>{t('account.sign_in')}</a></p>
    </section>
  );
}

export function StaffOnly({ ws, adminOnly = false, children }: { ws: string; adminOnly?: boolean; children: ComponentChildren }) {
  const me = useSession();
  if (me === undefined) return <Loading />;
  if (me === null) return <SignInPrompt staff />;
  if (!isStaff(me, ws, adminOnly)) {
    return (
      <section class="narrow">
        <h1>{t('account.no_role')}</h1>
        <p>{t('account.back_office_staff')}</p>
      </section>
    );
  }
  return <>{children}</>;
}
