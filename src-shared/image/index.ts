// Public surface of Reshoot's picture measures: quality of a render against a reference frame.
export * from './metrics';
