// A hash router: the cloud serves one index.html at "/", so no server rewrites are needed.
import { href, parseRoute, type Route } from './route';

export { href, parseRoute, type Route };

class Router {
  route = $state<Route>(parseRoute(location.hash));
  constructor() {
    addEventListener('hashchange', () => (this.route = parseRoute(location.hash)));
  }
  go(r: Route): void {
    location.hash = href(r);
  }
}

export const router = new Router();
