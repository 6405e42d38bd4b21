// The signed-in session. The refresh token survives a reload (localStorage) so an
// installed app on the bar's phone stays signed in; the access token lives in memory.
import { Api, ApiError } from './api';
import type { Role, Session, Signup, User } from './types';

const KEY = 'smartstock.session';

export class Auth {
  user = $state<User | undefined>();
  private access: string | undefined;
  private refreshToken: string | undefined;
  private refreshing: Promise<boolean> | undefined;
  readonly api: Api;

  constructor(private readonly storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> = localStorage) {
    this.api = new Api({ accessToken: () => this.access, refresh: () => this.refresh() });
    const saved = storage.getItem(KEY);
    if (saved) {
      try {
        const s = JSON.parse(saved) as Session;
        this.apply(s);
      } catch {
        storage.removeItem(KEY);
      }
    }
  }

  get canEditItems(): boolean {
    return this.has('owner', 'manager');
  }
  get canCount(): boolean {
    return this.has('owner', 'manager', 'bartender');
  }
  get canConfigureDevices(): boolean {
    return this.has('owner', 'technician');
  }
  has(...roles: Role[]): boolean {
    return !!this.user && roles.includes(this.user.role);
  }

  /** the live socket authenticates with the access token in its query */
  token(): string | undefined {
    return this.access;
  }

  async signIn(email: string, password: string): Promise<void> {
    this.apply(await this.api.login(email, password));
  }

  /** a new organisation and its first owner: signed in as them */
  async signUp(s: Signup): Promise<void> {
    this.apply(await this.api.signup(s));
  }

  /** leaves for the company's sign-in page; it sends the browser back to / with ?code&state */
  async startCompanySignIn(email: string): Promise<void> {
    location.assign((await this.api.oidcStart(email)).authorizationUrl);
  }

  /** back from the company's sign-in page: the cloud checks state, nonce and issuer, then signs in */
  async finishCompanySignIn(query: string): Promise<void> {
    this.apply(await this.api.oidcCallback(query));
  }

  /** sets a password by an invitation link, joins its organisation, signs in */
  async acceptInvitation(token: string, name: string, password: string): Promise<void> {
    this.apply(await this.api.acceptInvitation({ token, name, password }));
  }

  /** the one-time password of the first start, or any time from the account menu */
  async changePassword(password: string): Promise<void> {
    await this.api.changePassword(password);
    const saved = this.storage.getItem(KEY);
    if (saved && this.user) this.apply({ ...(JSON.parse(saved) as Session), user: { ...this.user, mustChangePassword: false } });
  }

  async signOut(): Promise<void> {
    const rt = this.refreshToken;
    this.clear();
    if (rt) await this.api.logout(rt).catch(() => undefined);
  }

  refresh(): Promise<boolean> {
    // concurrent 401s share one refresh: the server rotates the token, a second call would fail
    this.refreshing ??= (async () => {
      if (!this.refreshToken) return false;
      try {
        this.apply(await this.api.refresh(this.refreshToken));
        return true;
      } catch (e) {
        // only the server saying no ends the session: offline, the phone keeps it and shows cached levels
        if (e instanceof ApiError && e.status >= 400 && e.status < 500) this.clear();
        return false;
      }
    })().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  private apply(s: Session): void {
    this.access = s.accessToken;
    this.refreshToken = s.refreshToken;
    this.user = s.user;
    this.storage.setItem(KEY, JSON.stringify(s));
  }

  private clear(): void {
    this.access = this.refreshToken = undefined;
    this.user = undefined;
    this.storage.removeItem(KEY);
  }
}
