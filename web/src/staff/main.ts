// Entry point of staff.js: reuse a live session if the cookie still has one, otherwise
// show the sign-in form; then run the console until sign-out or the session ends.

import { byId } from '../lib/dom';
import { ApiError, logout, me } from './api';
import { StaffConsole } from './console';
import { SignIn } from './signin';

async function boot(): Promise<void> {
  const staffConsole = new StaffConsole({
    sessionEnded: () => signIn.show('Your session has ended. Please sign in again.'),
  });
  const signIn = new SignIn((user) => staffConsole.start(user));

  byId('signout').addEventListener('click', async () => {
    let message = 'You have signed out.';
    try {
      await logout();
    } catch (error) {
      // 401: the session was already gone. Anything else: say so, it may still be open.
      if (!(error instanceof ApiError && error.status === 401)) {
        message =
          `Signing out on the server failed: ${(error as Error).message} ` +
          'The session ends by itself after 30 minutes without activity.';
      }
    }
    staffConsole.stop();
    signIn.show(message);
  });

  try {
    const session = await me();
    staffConsole.start(session.user);
  } catch (error) {
    const unauthenticated = error instanceof ApiError && error.status === 401;
    signIn.show(unauthenticated ? '' : (error as Error).message);
  }
}

if (document.getElementById('staff-app')) void boot();
