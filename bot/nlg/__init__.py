"""Bot response generation: Rasa's templated responses plus A/B tests of messages.

`ExperimentNLG` is set as the `nlg` endpoint in `bot/endpoints.yml`; a response whose
variations name variants shows each conversation one variant, the rest are stock Rasa.
"""

from bot.nlg.experiments import CrmExposureLog, ExperimentNLG, ExposureLog

__all__ = ["CrmExposureLog", "ExperimentNLG", "ExposureLog"]
