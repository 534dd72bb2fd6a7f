// Admins: list staff accounts, add one, disable one, reset a member's two-step sign-in
// (a lost phone), and choose the roles that must use it.

import { byId, h, replaceChildren, setLive } from '../lib/dom';
import type { Role } from '../lib/protocol';
import {
  ApiError,
  addUser,
  disableUser,
  listUsers,
  resetTotp,
  setTotpRequiredRoles,
  totpRequiredRoles,
  type User,
} from './api';
import { roleLabel } from './labels';

const MIN_PASSWORD = 12;

export class AccountsPanel {
  private readonly rows_ = byId('accounts-rows');
  private readonly message_ = byId('accounts-message');
  private readonly form_ = byId<HTMLFormElement>('add-account');
  private readonly rolesForm_ = byId<HTMLFormElement>('totp-roles');
  private myId_: number | null = null;

  constructor(private readonly onUnauthenticated_: () => void) {
    this.form_.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.add_();
    });
    this.rolesForm_.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.saveRoles_();
    });
  }

  async load(myId: number): Promise<void> {
    this.myId_ = myId;
    try {
      const [users, roles] = await Promise.all([listUsers(), totpRequiredRoles()]);
      this.render_(users);
      for (const box of this.roleBoxes_()) box.checked = roles.includes(box.value as Role);
    } catch (error) {
      this.showError_(error);
    }
  }

  private roleBoxes_(): HTMLInputElement[] {
    return Array.from(this.rolesForm_.querySelectorAll<HTMLInputElement>('input[name="role"]'));
  }

  private async saveRoles_(): Promise<void> {
    const chosen = this.roleBoxes_()
      .filter((box) => box.checked)
      .map((box) => box.value as Role);
    try {
      const saved = await setTotpRequiredRoles(chosen);
      this.report_(
        saved.length
          ? `Two-step sign-in is required for: ${saved.map(roleLabel).join(', ')}.`
          : 'Two-step sign-in is required for no role.',
        true,
      );
    } catch (error) {
      this.showError_(error);
    }
  }

  private render_(users: User[]): void {
    replaceChildren(
      this.rows_,
      ...users.map((user) => {
        let action: HTMLElement | string = '';
        if (!user.disabled && user.id !== this.myId_) {
          const button = h(
            'button',
            { type: 'button', class: 'button button-quiet', 'aria-label': `Disable ${user.name}` },
            'Disable',
          );
          button.addEventListener('click', () => void this.disable_(user));
          action = button;
        }
        let reset: HTMLElement | string = '';
        if (user.totp_enrolled && !user.disabled) {
          reset = h(
            'button',
            { type: 'button', class: 'button button-quiet', 'aria-label': `Reset two-step sign-in of ${user.name}` },
            'Reset two-step',
          );
          reset.addEventListener('click', () => void this.resetTotp_(user));
        }
        return h(
          'tr',
          { class: user.disabled ? 'disabled' : null },
          h('th', { scope: 'row' }, user.name),
          h('td', null, user.email),
          h('td', null, roleLabel(user.role)),
          h('td', null, user.disabled ? 'Disabled' : 'Active'),
          h('td', null, user.totp_enrolled ? 'On' : 'Off'),
          h('td', null, action, ' ', reset),
        );
      }),
    );
  }

  private async add_(): Promise<void> {
    const field = (name: string) =>
      (this.form_.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement).value;
    const user = {
      email: field('email').trim(),
      name: field('name').trim(),
      role: field('role') as Role,
      password: field('password'),
    };
    if (!user.email || !user.name) {
      this.report_('Enter an email address and a display name.', false);
      return;
    }
    // Counted in code points, as the server does; it also refuses guessable ones.
    if (Array.from(user.password).length < MIN_PASSWORD) {
      this.report_(`The password must have at least ${MIN_PASSWORD} characters.`, false);
      (this.form_.elements.namedItem('password') as HTMLInputElement).focus();
      return;
    }
    try {
      const created = await addUser(user);
      this.form_.reset();
      this.report_(`Added ${created.name} (${roleLabel(created.role)}).`, true);
      await this.load(this.myId_ ?? 0);
    } catch (error) {
      this.showError_(error);
    }
  }

  private async disable_(user: User): Promise<void> {
    if (
      !window.confirm(`Disable ${user.name}? They are signed out at once and cannot sign in again.`)
    )
      return;
    try {
      await disableUser(user.id);
      this.report_(`${user.name} is disabled.`, true);
      await this.load(this.myId_ ?? 0);
    } catch (error) {
      this.showError_(error);
    }
  }

  private async resetTotp_(user: User): Promise<void> {
    if (
      !window.confirm(
        `Reset two-step sign-in for ${user.name}? They are signed out, sign in with their ` +
          'password alone and can set up a new phone.',
      )
    )
      return;
    try {
      await resetTotp(user.id);
      this.report_(`Two-step sign-in of ${user.name} is reset.`, true);
      await this.load(this.myId_ ?? 0);
    } catch (error) {
      this.showError_(error);
    }
  }

  /** One message line for results and errors; `ok` styles it as a success. */
  private report_(text: string, ok: boolean): void {
    this.message_.classList.toggle('form-ok', ok);
    setLive(this.message_, text);
  }

  private showError_(error: unknown): void {
    if (error instanceof ApiError && error.status === 401) {
      this.onUnauthenticated_();
      return;
    }
    this.report_(error instanceof Error ? error.message : 'Something went wrong.', false);
  }
}
