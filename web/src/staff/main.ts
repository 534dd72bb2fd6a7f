// Entry point of staff.js: reuse a live session if the cookie still has one, otherwise
// show the sign-in form; a session that owes a step (TOTP code, new password, TOTP
// enrolment) gets that screen first; then run the console until sign-out or the session ends.

import { byId } from '../lib/dom';
import { ApiError, handleStepRequired, logout, me, type SessionInfo } from './api';
import { AccountScreen } from './account';
import { StaffConsole } from './console';
import { SignIn } from './signin';

const SESSION_ENDED = 'Your session has ended. Please sign in again.';

async function boot(): Promise<void> {
  const staffConsole = new StaffConsole({
    sessionEnded: () => {
      account.hide();
      signIn.show(SESSION_ENDED);
    },
  });
  const account = new AccountScreen({
    stepDone: () => void continueSession(),
    back: () => {
      account.hide();
      staffConsole.setVisible(true);
    },
    unauthenticated: () => {
      account.hide();
      staffConsole.stop();
      signIn.show(SESSION_ENDED);
    },
  });
  const signIn = new SignIn((session) => route(session));

  /** Shows what the session needs next. */
  function route(session: SessionInfo): void {
    if (session.next_step === 'done') {
      account.hide();
      staffConsole.start(session.user, session.failed_sign_ins ?? 0);
      return;
    }
    staffConsole.stop();
    if (session.next_step === 'totp_code') {
      account.hide();
      signIn.askForCode();
    } else {
      signIn.hide();
      account.show(session.next_step);
    }
  }

  async function continueSession(): Promise<void> {
    try {
      route(await me());
    } catch (error) {
      const unauthenticated = error instanceof ApiError && error.status === 401;
      account.hide();
      signIn.show(unauthenticated ? SESSION_ENDED : (error as Error).message);
    }
  }

  // A route refused because the session owes a step: show that step's screen.
  handleStepRequired(() => void continueSession());

  async function signOut(everywhere: boolean): Promise<void> {
    let message = everywhere
      ? 'You have signed out on every device and browser.'
      : 'You have signed out.';
    try {
      await logout(everywhere);
    } catch (error) {
      // 401: the session was already gone. Anything else: say so, it may still be open.
      if (!(error instanceof ApiError && error.status === 401)) {
        message =
          `Signing out on the server failed: ${(error as Error).message} ` +
          'The session ends by itself after 30 minutes without activity.';
      }
    }
    staffConsole.stop();
    account.hide();
    signIn.show(message);
  }

  byId('signout').addEventListener('click', () => void signOut(false));
  byId('account-signout').addEventListener('click', () => void signOut(false));
  byId('signout-everywhere').addEventListener('click', () => {
    if (window.confirm('Sign out on every device and browser where you are signed in?')) {
      void signOut(true);
    }
  });
  byId('open-account').addEventListener('click', () => {
    staffConsole.setVisible(false);
    account.show('manage');
  });

  try {
    route(await me());
  } catch (error) {
    const unauthenticated = error instanceof ApiError && error.status === 401;
    signIn.show(unauthenticated ? '' : (error as Error).message);
  }
}

if (document.getElementById('staff-app')) void boot();
