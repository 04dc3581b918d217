"""The flow engine: one compiled form of a network, one solve path.

* :mod:`~cablesim.engine.state`: the one entry point: :class:`~cablesim.engine.state.Options`
  (core, backhaul, routing, measure, utilization: one frozen object) and
  :func:`~cablesim.engine.state.after_state`, the one builder of the state after a
  set of failures (the split backhaul of closed areas and its compiled network,
  cached on the network), which every analysis measures;
* :mod:`~cablesim.engine.flows`: compiling a network (contraction of
  backhaul, integer capacities, route corridors), maximum flows per country and
  core region (the one solve path, :class:`~cablesim.engine.flows.TaskGraph`),
  reachability (:func:`~cablesim.engine.flows.reach`), latency, and the
  backhaul split of closed areas;
* :mod:`~cablesim.engine.batch`: the batch evaluator for sweeps and Monte
  Carlo, on the same compiled form, the same task graphs and the same
  reachability (tested equal to :func:`cablesim.engine.simulate`);
* :mod:`~cablesim.engine.flowview`: which edges carry a country's flow before
  and after a failure (for the explanation and the dependency lens);
* :mod:`~cablesim.engine.reference`: the plain networkx approach, an
  independent oracle (closures included) for tests and benchmarks;
* ``_disk``: the corridors, baseline flows, routes and traffic model of the
  bundled network kept on disk between processes (NumPy archives in a private
  per-user folder, keyed by dataset, date, options and the engine's source).

Derived data lives with its owner, built once even from several threads
(:class:`cablesim._memo.Memo`): ``Network.memo`` and a compiled network's ``memo``
(its incidence, baseline, task graphs, routes and traffic models); the engine
may be called from several threads at once.

Layering: above :mod:`cablesim.network` and :mod:`cablesim.scenario`; below
:mod:`cablesim.engine.metrics` and everything that consumes results.
"""
