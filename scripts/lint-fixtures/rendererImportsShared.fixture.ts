// Linted as renderer/src/good.ts: the renderer may import shared (type-only across the boundary).
import type { EngineInfo } from '../../shared/types';
export const backendOf = (info: EngineInfo) => info.backend;
