// Linted as renderer/src/bad.ts: the renderer may reach main only through window.studio.
import { EngineHost } from '../../main/engine/EngineHost';
export const host = new EngineHost();
