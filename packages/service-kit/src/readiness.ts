/** Service lifecycle: loading -> ready | failed(reason) -> shutting-down. */
export type Readiness =
  | { status: 'loading'; reason: string }
  | { status: 'ready' }
  | { status: 'failed'; reason: string }
  | { status: 'shutting-down' };

export class ReadinessState {
  private current: Readiness = { status: 'loading', reason: 'model loading' };

  get value(): Readiness {
    return this.current;
  }

  loading(reason = 'model loading'): void {
    if (this.current.status !== 'shutting-down') this.current = { status: 'loading', reason };
  }

  ready(): void {
    if (this.current.status !== 'shutting-down') this.current = { status: 'ready' };
  }

  failed(reason: string): void {
    if (this.current.status !== 'shutting-down') this.current = { status: 'failed', reason };
  }

  shuttingDown(): void {
    this.current = { status: 'shutting-down' };
  }

  get isReady(): boolean {
    return this.current.status === 'ready';
  }
}
