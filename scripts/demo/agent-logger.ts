import type { Logger } from '@smartstock/runtime';

/**
 * The demo agent's logger: the cloud's stream, marked as the agent's lines. Not a child of the
 * demo's own logger: pino repeats a binding a child sets again, so every agent line read
 * `"module":"demo","module":"edge-agent","module":"uplink"`, which JSON readers cut to the last
 * and `module=demo` filters missed.
 */
export const demoAgentLogger = (cloudLogger: Logger): Logger => cloudLogger.child({ program: 'edge-agent' });
