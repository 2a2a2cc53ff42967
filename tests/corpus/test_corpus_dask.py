"""The same ingest on a Dask distributed cluster (a LocalCluster on loopback)."""

from __future__ import annotations

from decimal import Decimal

from distributed import LocalCluster
from gk_corpus_helpers import SEEDS, generate

from gongkai.cli import main
from gongkai.corpus.ingest import ingest
from gongkai.corpus.store import Store


def test_ingest_on_a_local_dask_cluster(tmp_path, capsys):
    truth = generate(tmp_path / "in", 12, seed=71)
    (tmp_path / "in" / "empty.txt").write_bytes(b"")
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None) as cluster:
        address = cluster.scheduler_address
        assert address.startswith("tcp://127.0.0.1:")
        with Store(str(tmp_path / "c.db")) as store:
            summary = ingest([str(tmp_path / "in")], store, cluster=address)
            assert (summary.added, [p.rsplit("/", 1)[-1] for p, _ in summary.failed]) == (12, ["empty.txt"])
            for name, s in truth.items():
                doc_id, agency = store.query("SELECT id, agency FROM documents WHERE name = ?", (name,))[0]
                assert agency == s.agency
                got = dict(store.query("SELECT cell_id, value FROM cells WHERE document_id = ?", (doc_id,)))
                assert {k: Decimal(str(v)) for k, v in got.items()} == {k: Decimal(str(v)) for k, v in s.cells.items()}
        # The command line takes the same address.
        code = main(["ingest", str(SEEDS[1]), "--db", str(tmp_path / "c.db"), "--cluster", address, "-q"])
        assert code == 0
        assert "新入库 1 份" in capsys.readouterr().out


def test_unreachable_cluster_is_a_chinese_error(tmp_path, capsys):
    code = main(["ingest", str(SEEDS[0]), "--db", str(tmp_path / "c.db"), "--cluster", "tcp://127.0.0.1:9", "-q"])
    err = capsys.readouterr().err
    assert code == 1
    assert "无法连接 Dask 集群" in err and "Traceback" not in err
