// The sign-in form. A failed attempt says why (wrong details, throttled, no network).

import { byId, setLive } from '../lib/dom';
import { ApiError, login, type User } from './api';

export class SignIn {
  private readonly section_ = byId('signin');
  private readonly form_ = byId<HTMLFormElement>('signin-form');
  private readonly email_ = byId<HTMLInputElement>('signin-email');
  private readonly password_ = byId<HTMLInputElement>('signin-password');
  private readonly submit_ = byId<HTMLButtonElement>('signin-submit');
  private readonly message_ = byId('signin-message');

  constructor(private readonly onSignedIn_: (user: User) => void) {
    this.form_.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.signIn_();
    });
  }

  show(message = ''): void {
    this.form_.reset();
    setLive(this.message_, message);
    this.section_.hidden = false;
    this.email_.focus();
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
      const session = await login(email, password);
      this.password_.value = '';
      this.hide();
      this.onSignedIn_(session.user);
    } catch (error) {
      this.password_.value = '';
      setLive(
        this.message_,
        error instanceof ApiError && error.code === 'bad_credentials'
          ? 'That email address and password do not match an active account.'
          : error instanceof Error
            ? error.message
            : 'Sign-in failed.',
      );
      this.password_.focus();
    } finally {
      this.submit_.disabled = false;
    }
  }
}
