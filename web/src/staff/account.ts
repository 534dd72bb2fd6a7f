// "Your account": change the password and set up two-step sign-in (TOTP). Shown on its own
// when a sign-in step is owed (the first administrator's printed password, a role that
// requires TOTP), and from the console's "Your account" button otherwise. The QR code is
// drawn here as inline SVG from the server's module matrix: no image URL, no outside service.

import { byId, h, replaceChildren, setLive, setText } from '../lib/dom';
import {
  ApiError,
  changePassword,
  confirmTotp,
  startTotpEnrolment,
  totpStatus,
  type TotpEnrolment,
} from './api';

/** What the screen is for: a step the session owes, or the member's own choice. */
export type AccountMode = 'change_password' | 'enrol_totp' | 'manage';

export interface AccountEvents {
  /** A step the session owed is done: go on to the console. */
  stepDone(): void;
  /** Back to the console without a change that was owed. */
  back(): void;
  unauthenticated(): void;
}

const SVG = 'http://www.w3.org/2000/svg';
const QUIET_ZONE = 4; // modules of white around the code, as the QR standard asks

function qrSvg(qr: TotpEnrolment['qr']): SVGSVGElement {
  const side = qr.size + 2 * QUIET_ZONE;
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', `0 0 ${side} ${side}`);
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', 'QR code for your authenticator app');
  svg.setAttribute('shape-rendering', 'crispEdges');
  let d = '';
  for (let y = 0; y < qr.size; y += 1) {
    for (let x = 0; x < qr.size; x += 1) {
      if (qr.modules[y * qr.size + x] === '1') d += `M${x + QUIET_ZONE} ${y + QUIET_ZONE}h1v1h-1z`;
    }
  }
  const path = document.createElementNS(SVG, 'path');
  path.setAttribute('d', d);
  path.setAttribute('fill', '#000');
  svg.appendChild(path);
  return svg;
}

/** The manual key in groups of four, easier to type. */
function grouped(key: string): string {
  return key.replace(/(.{4})(?=.)/g, '$1 ');
}

export class AccountScreen {
  private readonly section_ = byId('account');
  private readonly message_ = byId('account-message');
  private readonly passwordPart_ = byId('password-part');
  private readonly passwordForced_ = byId('password-forced');
  private readonly passwordForm_ = byId<HTMLFormElement>('password-form');
  private readonly totpPart_ = byId('totp-part');
  private readonly totpForced_ = byId('totp-forced');
  private readonly totpStatus_ = byId('totp-status');
  private readonly totpStart_ = byId<HTMLButtonElement>('totp-start');
  private readonly totpSetup_ = byId('totp-setup');
  private readonly totpQr_ = byId('totp-qr');
  private readonly totpKey_ = byId('totp-key');
  private readonly totpConfirm_ = byId<HTMLFormElement>('totp-confirm-form');
  private readonly recovery_ = byId('totp-recovery');
  private readonly recoveryCodes_ = byId('totp-recovery-codes');
  private readonly back_ = byId<HTMLButtonElement>('account-back');
  private mode_: AccountMode = 'manage';

  constructor(private readonly events_: AccountEvents) {
    this.passwordForm_.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.changePassword_();
    });
    this.totpStart_.addEventListener('click', () => void this.startEnrolment_());
    this.totpConfirm_.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.confirm_();
    });
    byId('totp-recovery-done').addEventListener('click', () => {
      this.recovery_.hidden = true;
      replaceChildren(this.recoveryCodes_);
      if (this.mode_ === 'enrol_totp') this.events_.stepDone();
      else void this.loadStatus_();
    });
    this.back_.addEventListener('click', () => this.events_.back());
  }

  get shown(): boolean {
    return !this.section_.hidden;
  }

  show(mode: AccountMode): void {
    this.mode_ = mode;
    this.passwordForm_.reset();
    this.totpConfirm_.reset();
    setLive(this.message_, '');
    this.passwordPart_.hidden = mode === 'enrol_totp';
    this.passwordForced_.hidden = mode !== 'change_password';
    this.totpPart_.hidden = mode === 'change_password';
    this.totpForced_.hidden = mode !== 'enrol_totp';
    this.totpSetup_.hidden = true;
    this.recovery_.hidden = true;
    this.back_.hidden = mode !== 'manage';
    this.section_.hidden = false;
    if (!this.totpPart_.hidden) void this.loadStatus_();
    const first = mode === 'enrol_totp' ? this.totpStart_ : byId('password-current');
    first.focus();
  }

  hide(): void {
    this.section_.hidden = true;
    this.totpSetup_.hidden = true;
    this.recovery_.hidden = true;
    replaceChildren(this.totpQr_);
    replaceChildren(this.recoveryCodes_);
    setText(this.totpKey_, '');
  }

  private async loadStatus_(): Promise<void> {
    try {
      const status = await totpStatus();
      setText(
        this.totpStatus_,
        status.enrolled
          ? `Two-step sign-in is on: you enter a code from your app after your password ` +
              `(${status.recovery_codes_left} recovery codes left).`
          : 'Two-step sign-in is off: your password alone signs you in.',
      );
      this.totpStart_.textContent = status.enrolled
        ? 'Move to a new phone or app'
        : 'Set up an authenticator app';
    } catch (error) {
      this.showError_(error);
    }
  }

  private async changePassword_(): Promise<void> {
    const field = (name: string) =>
      (this.passwordForm_.elements.namedItem(name) as HTMLInputElement).value;
    const current = field('current');
    const next = field('new');
    if (!current || !next) {
      setLive(this.message_, 'Enter your current password and a new one.');
      return;
    }
    if (next !== field('again')) {
      setLive(this.message_, 'The two new passwords are not the same.');
      byId('password-again').focus();
      return;
    }
    try {
      await changePassword(current, next);
      this.passwordForm_.reset();
      if (this.mode_ === 'change_password') {
        this.events_.stepDone();
        return;
      }
      this.report_('Your password is changed. Your other sessions were signed out.', true);
    } catch (error) {
      this.showError_(error);
    }
  }

  private async startEnrolment_(): Promise<void> {
    try {
      const enrolment = await startTotpEnrolment();
      replaceChildren(this.totpQr_, qrSvg(enrolment.qr));
      setText(this.totpKey_, grouped(enrolment.secret));
      this.totpSetup_.hidden = false;
      byId('totp-code').focus();
    } catch (error) {
      this.showError_(error);
    }
  }

  private async confirm_(): Promise<void> {
    const input = byId<HTMLInputElement>('totp-code');
    const code = input.value.replace(/\s/g, '');
    if (!/^\d{6}$/.test(code)) {
      setLive(this.message_, 'Enter the six digits your app shows.');
      input.focus();
      return;
    }
    try {
      const done = await confirmTotp(code);
      this.totpSetup_.hidden = true;
      replaceChildren(this.totpQr_);
      setText(this.totpKey_, '');
      replaceChildren(this.recoveryCodes_, ...done.recovery_codes.map((c) => h('li', null, c)));
      this.recovery_.hidden = false;
      this.report_('Two-step sign-in is on.', true);
      byId('totp-recovery-done').focus();
      void this.loadStatus_();
    } catch (error) {
      input.value = '';
      this.showError_(error);
    }
  }

  private report_(text: string, ok: boolean): void {
    this.message_.classList.toggle('form-ok', ok);
    setLive(this.message_, text);
  }

  private showError_(error: unknown): void {
    if (error instanceof ApiError && error.status === 401 && error.code === 'unauthenticated') {
      this.events_.unauthenticated();
      return;
    }
    this.report_(error instanceof Error ? error.message : 'Something went wrong.', false);
  }
}
