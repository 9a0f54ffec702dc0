"""The acts of the story ``socialcrm run`` plays in demo mode (``socialcrm.demo_scenario``).

Each act does what people do (customers comment, a rep replies, a manager approves, a
Case is closed in SuiteCRM) through the running system's own doors: signed webhooks, the
mobile API over HTTP, SuiteCRM's V8 API and the package's change notice. Then it reads
back what the system made of it and prints one ``demo:`` line.

* ``first_contact``: comments in three languages, a complaint that opens a Case, a lead;
* ``wave``: a burst of complaints on one post, and the alert in the manager's feed;
* ``approval``: a rep's reply that promises a refund, held, approved, posted;
* ``closed_loop``: the complaint's Case closed with a resolution, the drafted public
  answer sent in one tap, the conversation closed publicly.

Only ``socialcrm.demo_scenario`` knows that the Page is the Facebook sandbox; the acts
see a ``Page`` (``story``), so they import no sandbox.
"""
