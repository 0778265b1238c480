"""`make conversations`: a crowd of simulated website visitors, written blind, talks with a
fresh stack over Rasa's REST channel; the CRM API then says what became of each of them.

`run_personas` (bench.conversations.harness) runs any list of personas against any running
stack, for an end-to-end test; `python -m bench.conversations` starts a stack of its own.
"""

from bench.conversations.checks import Outcome
from bench.conversations.crm import admin_token
from bench.conversations.harness import run_personas
from bench.conversations.personas import Persona, load_personas
from bench.conversations.report import totals

__all__ = ["Outcome", "Persona", "admin_token", "load_personas", "run_personas", "totals"]
