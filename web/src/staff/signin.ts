// The sign-in form: password, then a TOTP code when the account uses one. A failed attempt
// says why (wrong details, throttled, no network); when the account is being slowed down
// because of failures elsewhere, the form waits the few seconds and tries again by itself.

import { byId, setLive } from '../lib/dom';
import { ApiError, login, loginCode, logout, type SessionInfo } from './api';

/** The longest wait the server asks of an attempt on an account under attack. */
const LONGEST_AUTOMATIC_WAIT_S = 10;

/** What to tell a person after a failed step: `known` for the expected refusal `code`. */
function failureText(error: unknown, code: string, known: string): string {
  if (error instanceof ApiError && error.code === code) return known;
  return error instanceof Error ? error.message : 'Sign-in failed.';
}

export class SignIn {
  private readonly section_ = byId('signin');
  private readonly form_ = byId<HTMLFormElement>('signin-form');
  private readonly email_ = byId<HTMLInputElement>('signin-email');
  private readonly password_ = byId<HTMLInputElement>('signin-password');
  private readonly submit_ = byId<HTMLButtonElement>('signin-submit');
  private readonly codeForm_ = byId<HTMLFormElement>('signin-code-form');
  private readonly code_ = byId<HTMLInputElement>('signin-code');
  private readonly codeSubmit_ = byId<HTMLButtonElement>('signin-code-submit');
  private readonly message_ = byId('signin-message');

  constructor(private readonly onSignedIn_: (session: SessionInfo) => void) {
    this.form_.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.signIn_();
    });
    this.codeForm_.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.enterCode_();
    });
    byId('signin-code-cancel').addEventListener('click', () => {
      void logout().catch(() => {});
      this.show();
    });
  }

  show(message = ''): void {
    this.form_.reset();
    this.codeForm_.reset();
    this.form_.hidden = false;
    this.codeForm_.hidden = true;
    setLive(this.message_, message);
    this.section_.hidden = false;
    this.email_.focus();
  }

  /** The second step, for a session that signed in with its password already. */
  askForCode(message = ''): void {
    this.form_.hidden = true;
    this.codeForm_.hidden = false;
    this.codeForm_.reset();
    setLive(this.message_, message);
    this.section_.hidden = false;
    this.code_.focus();
  }

  hide(): void {
    this.section_.hidden = true;
    setLive(this.message_, '');
  }

  private async signIn_(): Promise<void> {
    const email = this.email_.value.trim();
    const password = this.password_.value;
    if (!email || !password) {
      setLive(this.message_, 'Enter your email address and password.');
      (email ? this.password_ : this.email_).focus();
      return;
    }
    this.submit_.disabled = true;
    setLive(this.message_, '');
    try {
      const session = await this.loginWaitingIfAsked_(email, password);
      this.password_.value = '';
      if (session.next_step === 'totp_code') {
        this.askForCode();
        return;
      }
      this.hide();
      this.onSignedIn_(session);
    } catch (error) {
      this.password_.value = '';
      setLive(
        this.message_,
        failureText(
          error,
          'bad_credentials',
          'That email address and password do not match an active account.',
        ),
      );
      this.password_.focus();
    } finally {
      this.submit_.disabled = false;
    }
  }

  /** Signs in; an answer `slow_down` (a short wait) is waited out once, then tried again. */
  private async loginWaitingIfAsked_(email: string, password: string): Promise<SessionInfo> {
    try {
      return await login(email, password);
    } catch (error) {
      if (
        !(error instanceof ApiError) ||
        error.code !== 'slow_down' ||
        error.retryAfter > LONGEST_AUTOMATIC_WAIT_S
      ) {
        throw error;
      }
      setLive(
        this.message_,
        `This account has had many failed sign-ins, so each attempt waits a moment. ` +
          `Signing you in in ${error.retryAfter} seconds…`,
      );
      await new Promise((resolve) => setTimeout(resolve, error.retryAfter * 1000 + 250));
      return login(email, password);
    }
  }

  private async enterCode_(): Promise<void> {
    const code = this.code_.value.trim();
    if (!code) {
      setLive(this.message_, 'Enter the code from your authenticator app.');
      this.code_.focus();
      return;
    }
    this.codeSubmit_.disabled = true;
    setLive(this.message_, '');
    try {
      const session = await loginCode(code);
      this.hide();
      this.onSignedIn_(session);
    } catch (error) {
      this.code_.value = '';
      if (error instanceof ApiError && error.status === 401 && error.code !== 'bad_code') {
        // The five minutes for the code are over: start again.
        this.show('The time to enter the code ran out. Please sign in again.');
        return;
      }
      setLive(
        this.message_,
        failureText(
          error,
          'bad_code',
          'That code is not right, or was used already. Enter the code your app shows now.',
        ),
      );
      this.code_.focus();
    } finally {
      this.codeSubmit_.disabled = false;
    }
  }
}
