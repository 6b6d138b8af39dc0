// Linted as shared/bad.ts: shared is pure and imports nothing of the project.
import { readFileSync } from 'node:fs';
import { createStudio } from '../main/studio';
export const read = () => [readFileSync, createStudio];
