"""Stand-in partner servers for a stack on one machine (`make run`, the benchmarks): one per
partner a referral goes to today, each on loopback with a signing key of its own, verifying our
signed referrals and acknowledging each with a signed receipt to the web app. The partners
that witness our transparency log (`gateways.default_partners.WITNESSES`) run the witnessing
stand-in (`gateways.witness_standin`), with a cosignature key and their witness state kept
beside their signing key, so a restart keeps what they cosigned. Two receiving landlords of
Kent reciprocal transfers run the landlord stand-in, which answers in signed replies."""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping, Sequence

from aggregates.landlords import LANDLORD_IDS
from casework.settings import Settings
from casework.stack import LOOPBACK, ProcessSpec, Tier
from casework.wiring import log_key, signing_key
from gateways.default_partners import WITNESSES, registry_document
from gateways.signing_keys import (
    generate_private_key,
    load_private_key,
    public_key_b64,
    write_private_key,
)
from gateways.witness_standin import ADD_CHECKPOINT, load_or_create_witness_key

DEMO_PARTNERS = ("kent_medway_marac", "childrens_services", "adult_social_care",
                 "support_services", "kcc_safer", "repairs_contractor", "police",
                 # receiving landlords of Kent reciprocal transfers (gateways/landlord_standin)
                 "landlord_folkestone_hythe_district_council", "landlord_moat_homes")
FIRST_PARTNER_PORT = 8101  # `make run`: the partners on 8101, 8102, ... in DEMO_PARTNERS order


def partner_standins(settings: Settings, ports: Sequence[int], *,
                     env: Mapping[str, str] | None = None, quiet: bool = False
                     ) -> list[ProcessSpec]:
    """A stand-in per demo partner, the n-th on `ports[n]`; their keys are kept under
    `<data_dir>/partners` (made on first use) and their registry is written to
    `settings.partners_file`, with our signing key (made in development) as the one they
    trust. Each acknowledges to the web app at `settings.web_host:web_port`."""
    council_public = public_key_b64(signing_key(settings).public_key())
    keys_dir = settings.data_dir / "partners"
    keys_dir.mkdir(parents=True, exist_ok=True)
    web = f"http://{settings.web_host}:{settings.web_port}"
    log_vkey = log_key(settings).verifier.vkey()
    endpoints, public_keys, witnesses, specs = {}, {}, {}, []
    for partner, port in zip(DEMO_PARTNERS, ports, strict=True):
        key_file = keys_dir / f"{partner}.key"
        if not key_file.exists():
            write_private_key(key_file, generate_private_key())
        endpoints[partner] = f"http://{LOOPBACK}:{port}/inbox"
        public_keys[partner] = [public_key_b64(load_private_key(key_file).public_key())]
        command = [sys.executable, "-m", "gateways.partner_standin", "--partner", partner,
                   "--port", str(port), "--key-file", str(key_file),
                   "--council-public-key", council_public,
                   "--ack-url", f"{web}/partners/{partner}/messages"]
        if partner in LANDLORD_IDS:
            command = [sys.executable, "-m", "gateways.landlord_standin", "--landlord", partner,
                       "--port", str(port), "--key-file", str(key_file),
                       "--council-public-key", council_public]
        if partner in WITNESSES:
            witness_key = keys_dir / f"{partner}.witness-key"
            witnesses[partner] = {
                "key": load_or_create_witness_key(witness_key, partner).verifier.vkey(),
                "endpoint": f"http://{LOOPBACK}:{port}{ADD_CHECKPOINT}"}
            command[2] = "gateways.witness_standin"
            command += ["--witness-key-file", str(witness_key), "--log-key", log_vkey,
                        "--witness-state-file", str(keys_dir / f"{partner}.witness.json")]
        specs.append(ProcessSpec(f"partner-{partner}", tuple(command), env,
                                 listens=(LOOPBACK, port), tier=Tier.SERVICES, quiet=quiet))
    settings.partners_file.write_text(json.dumps(
        registry_document(endpoints, public_keys, witnesses), indent=2))
    return specs
