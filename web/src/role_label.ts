// The translated name of a role; a role this UI does not know yet is shown as the server names it.
import type { I18n } from './i18n/context';
import type { MessageKey } from './i18n/en';

const kRoleKeys: Readonly<Record<string, MessageKey>> = {
  admin: 'role.admin',
  manager: 'role.manager',
  agent: 'role.agent',
  analyst: 'role.analyst',
};

export function roleLabel(t: I18n['t'], role: string): string {
  const key = kRoleKeys[role];
  return key ? t(key) : role;
}
