"""Retraining from the marketers' console: train, gate on the test stories, hot-swap.

A run goes through the stages `training` → `testing` → `loading` and ends `live` or
`failed`. It runs in its own process (`python -m bot.training <run-id>`, started by
`launch.start_run`), so TensorFlow never enters the API's process; the API and the page
only read the run's JSON state under `var/training/`.

- `runs`: the run record, its stages and their persistence (atomic JSON files).
- `lock`: one run at a time, across API worker processes (an inherited flock).
- `launch`: what the console calls to start a run.
- `inputs`: what each archive was trained from (its manifest), and whether a retraining
  may fine-tune it (only NLU examples changed) or trains in full.
- `finetune`: an archive's NLU trained on for a few epochs, the rest of it kept.
- `trainer`: the training stage: a fine-tuning or Rasa's full `rasa train`.
- `progress`: Rasa's training output turned into a percentage.
- `stories`: the test-story gate and the names of the stories that failed.
- `servers`: the running Rasa servers: token, model swap (bot/model_swap.py), `GET /status`.
- `pipeline`: the run itself, stage by stage.

Errors::

    Exception
     ├── RunRefused   no run was started: one is going, or it could not start (launch)
     └── RunFailed       a stage failed; its message is shown to the marketer (runs)
"""
