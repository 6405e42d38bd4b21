export { startAgent, type Agent, type AgentDeps } from './agent.js';
export { agentConfigSchema, type AgentConfig, type AgentConfigInput } from './config/schema.js';
export { loadAgentConfig, parseAgentConfig } from './config/load.js';
export { EventBus, type AgentEvents, type Frame, type AnalysedFrame } from './bus.js';
export { Outbox } from './store/outbox.js';
export { decide, cameraState, type WatchState, type Decision } from './camera/watchdog.js';
export { loopAsCameraArgs } from './camera/ffmpeg-args.js';
export { AGENT_VERSION } from './version.js';
