"""Live handoff: a person asks for someone (or a lead matches a handoff rule), the
conversation is routed to a sales rep who is online, the rep takes it over from the
console's inbox while the bot is silent, and hands it back to the bot or closes it.

    config   `data/scoring/handoff.yml`: business hours, the wait for a rep, the cap per
             rep, the handoff rules and the reps' territories, languages and segments
    hours    business hours in the team's time zone and the next opening
    routing  which online rep a new request is proposed to
    queue    the handoff's life: request, claim, reply, hand back, close
    live     what the console's inbox and the web chat watch for changes
"""
