"""The intake's blueprints: pages (HTML), the submission and upload API, the inbox API and
the no-JS path. Views stay thin; the logic lives in plain modules of the package."""
