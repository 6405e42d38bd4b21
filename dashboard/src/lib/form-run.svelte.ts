import { describeError } from './toasts.svelte';

/** A form's one action at a time: `busy` while it runs (the button disables), `error` says why it failed. */
export class FormRun {
  busy = $state(false);
  error = $state<string | undefined>();

  async run(action: () => Promise<unknown>): Promise<void> {
    this.busy = true;
    this.error = undefined;
    try {
      await action();
    } catch (err) {
      this.error = describeError(err);
    } finally {
      this.busy = false;
    }
  }
}
