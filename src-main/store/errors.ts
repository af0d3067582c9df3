/** Errors about a project as a whole; their messages name the project and say what to do. */
export class ProjectError extends Error {
  constructor(
    readonly code: 'not-found' | 'project-locked' | 'newer-schema' | 'invalid-argument' | 'conflict',
    message: string,
  ) {
    super(message);
    this.name = 'ProjectError';
  }
}
