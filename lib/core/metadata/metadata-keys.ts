/**
 * reflect-metadata keys under which the decorators store what they declare. Plain strings
 * (not symbols) so that classes decorated through a second copy of the library (e.g. compiled
 * `dist/` next to ts-node sources) are still understood.
 */
export const MetadataKeys = {
  MESSAGE: 'acton:message',
  ACTOR: 'acton:actor',
  HANDLERS: 'acton:handlers',
  MODULE: 'acton:module',
  INJECTABLE: 'acton:injectable',
  INJECT_TOKENS: 'acton:inject-tokens',
  /** Emitted by TypeScript (`emitDecoratorMetadata`). */
  PARAM_TYPES: 'design:paramtypes',
  RETURN_TYPE: 'design:returntype',
  PROPERTY_TYPE: 'design:type',
} as const;
