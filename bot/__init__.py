"""The runtime, top floor: transports, the pipeline, the outbox worker, the CLI."""
