/** Where a message that can never succeed goes at once, instead of being received again and again. */
export interface DeadLetterSink {
  send(body: string): Promise<void>;
}
