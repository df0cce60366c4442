# ruff: noqa: E501  (texts are kept on one line each, as written)
"""Probe H: 254 short texts written blind on 2026-12-08 by a helper (probe33); see the
docstring of probes.py. Each case is (text, [(label, value), ...]); KEEP marks a look-alike
that must stay readable. H-dev may be read while rules change; H-held is only scored."""

from __future__ import annotations

PROBES_H: dict[str, list[tuple[str, list[tuple[str, str]]]]] = {
    "H-dev": [
        (
            "agent: thank you for calling brightwave broadband my name is deshawn who am i speaking with\ncaller: yeah hi its grace nwachukwu n w a c h u k w u\nagent: thanks grace can you confirm the postcode\ncaller: forty two marlowe close sheffield s eleven eight t j\nagent: and the hub three is showing red yes",
            [
                ("PERSON", "deshawn"),
                ("PERSON", "grace nwachukwu"),
                ("PERSON", "n w a c h u k w u"),
                ("PERSON", "grace"),
                ("STREET_ADDRESS", "forty two marlowe close sheffield s eleven eight t j"),
                ("KEEP", "hub three"),
            ],
        ),
        (
            "[00:01:12] spk_0: ok so the card is four six eight three four three five two oh six six three seven oh nine six\n[00:01:19] spk_1: sorry four six eight three and then\n[00:01:21] spk_0: yeah expiry oh nine twenty eight",
            [
                (
                    "CREDIT_CARD",
                    "four six eight three four three five two oh six six three seven oh nine six",
                ),
            ],
        ),
        (
            "uh yes hello this is doctor ramesh iyer calling from st mary's hospital about patient lakshmi venkataraman date of birth the second of october nineteen fifty four please call me back on zero two zero seven nine four six three one one eight thanks",
            [
                ("PERSON", "ramesh iyer"),
                ("KEEP", "st mary's hospital"),
                ("PERSON", "lakshmi venkataraman"),
                ("DATE_OF_BIRTH", "the second of october nineteen fifty four"),
                ("PHONE", "zero two zero seven nine four six three one one eight"),
            ],
        ),
        (
            "caller said their social is five three eight seven nine nine nine five nine and the account is under patricia o'hanlon with a maiden name of brennan agent verified two of three\nticket INC0048213",
            [
                ("US_SSN", "five three eight seven nine nine nine five nine"),
                ("PERSON", "patricia o'hanlon"),
                ("PERSON", "brennan"),
                ("KEEP", "INC0048213"),
            ],
        ),
        (
            "bonjour c'est amélie rousseau je rappelle pour le dossier huit cent quarante mon portable c'est le zéro six douze trente quatre cinquante six soixante dix-huit merci",
            [
                ("PERSON", "amélie rousseau"),
                ("KEEP", "huit cent quarante"),
                ("PHONE", "zéro six douze trente quatre cinquante six soixante dix-huit"),
            ],
        ),
        (
            "[asr en-IN] haan hello ma'am main pooja bol rahi hoon hdfc se nahi actually icici se my registered mobile is nine eight two zero one one four four seven six and pan i will send on whatsapp",
            [
                ("PERSON", "pooja"),
                ("KEEP", "hdfc"),
                ("KEEP", "icici"),
                ("PHONE", "nine eight two zero one one four four seven six"),
            ],
        ),
        (
            "[OCR page 1/3]\nPATIENT REGISTRATI0N F0RM\nName: FERNAND0 ALVES C0STA\nDate 0f Birth: O7/11/1969\nAddress: Rua Visc0nde de Pirajá, 414 - ap. 1O2\nIpanema, Rio de Janeir0 - RJ\nForm REV-2O19-O4",
            [
                ("PERSON", "FERNAND0 ALVES C0STA"),
                ("DATE_OF_BIRTH", "O7/11/1969"),
                ("STREET_ADDRESS", "Rua Visc0nde de Pirajá, 414 - ap. 1O2"),
                ("KEEP", "REV-2O19-O4"),
            ],
        ),
        (
            "--- ocr text follows ---\nEmployee: Kristina Vo1kova   Emp ID E-1O443\nSSN: 2O4-12-O786\nEmergency contact: Dmitri Vo1kov (husband) (617) 555-O148",
            [
                ("PERSON", "Kristina Vo1kova"),
                ("KEEP", "E-1O443"),
                ("US_SSN", "2O4-12-O786"),
                ("PERSON", "Dmitri Vo1kov"),
                ("PHONE", "(617) 555-O148"),
            ],
        ),
        (
            "[ocr, low confidence]\nl hereby authorise Siobhan McAl-\nlister to collect my parcel.\nSigned: Ciarán Ó Briain     Date: 2l/11/2026\nRef RM 48 119 2O5 GB",
            [
                ("PERSON", "Siobhan McAl-\nlister"),
                ("PERSON", "Ciarán Ó Briain"),
                ("KEEP", "2l/11/2026"),
                ("KEEP", "RM 48 119 2O5 GB"),
            ],
        ),
        (
            "CERTIFICAT MÉDICAL (numérisé)\nJe soussigné Dr Hélène Marchand-Dupuis certifie avoir exa-\nminé M. Yacine Belkacem, né le 3 févr. 1991, demeurant 12 bis rue\ndes Lilas, 69003 Lyon\nArrêt de travail jusqu'au 15/12/2026",
            [
                ("PERSON", "Hélène Marchand-Dupuis"),
                ("PERSON", "Yacine Belkacem"),
                ("DATE_OF_BIRTH", "3 févr. 1991"),
                ("STREET_ADDRESS", "12 bis rue\ndes Lilas, 69003 Lyon"),
                ("KEEP", "15/12/2026"),
            ],
        ),
        (
            "CONTRATTO DI LOCAZIONE (scansione)\nIl sig. Gian-\nluca Ferrante, nato a Bari il O9.O4.1978, C.F. FRRGLC78D09A662X,\nresidente in Via Nizza 138, 1O125 Torino",
            [
                ("PERSON", "Gian-\nluca Ferrante"),
                ("DATE_OF_BIRTH", "O9.O4.1978"),
                ("STREET_ADDRESS", "Via Nizza 138, 1O125 Torino"),
            ],
        ),
        (
            "Re: deposit for the flat\n\nSounds good, I'll transfer tonight.\n\nOn Tue, 1 Dec 2026 at 18:42, Bronwyn Tait <bronwyn.tait@protonmail.com> wrote:\n> Hi Oluwaseun, the deposit account is GB39IORW72399989381456 (name: B Tait).\n> Keys can be collected from Flat 2, 19 Albion Terrace, Brighton BN2 9NA.\n>> When can I pick up the keys? — Seun",
            [
                ("PERSON", "Bronwyn Tait"),
                ("EMAIL", "bronwyn.tait@protonmail.com"),
                ("PERSON", "Oluwaseun"),
                ("IBAN", "GB39IORW72399989381456"),
                ("PERSON", "B Tait"),
                ("STREET_ADDRESS", "Flat 2, 19 Albion Terrace, Brighton BN2 9NA"),
                ("PERSON", "Seun"),
            ],
        ),
        (
            "-----Original Message-----\nFrom: Hunter, Joy <jhunter@kestrel-logistics.com>\nSent: Friday, November 27, 2026 4:02 PM\nTo: King, Marcus <mking@kestrel-logistics.com>\nSubject: RE: Q4 forecast\nMarcus - the Bloomberg login is kestrel_fin2 / Tr4ding!Desk26, please don't forward.",
            [
                ("PERSON", "Hunter, Joy"),
                ("EMAIL", "jhunter@kestrel-logistics.com"),
                ("PERSON", "King, Marcus"),
                ("EMAIL", "mking@kestrel-logistics.com"),
                ("KEEP", "Q4 forecast"),
                ("PERSON", "Marcus"),
                ("KEEP", "Bloomberg"),
                ("USERNAME", "kestrel_fin2"),
                ("SECRET", "Tr4ding!Desk26"),
            ],
        ),
        (
            ">>> Yusuf Demir 12/02/26 10:11 >>>\n>>> pls reset my vpn pw, old one was Galata1453!\n>> done, temp pw is Xk7-wq2-Pm9, change at first login\n> thx works\nclosing HD-55102",
            [
                ("PERSON", "Yusuf Demir"),
                ("SECRET", "Galata1453!"),
                ("SECRET", "Xk7-wq2-Pm9"),
                ("KEEP", "HD-55102"),
            ],
        ),
        (
            "Am 01.12.2026 um 08:30 schrieb Dr. Henrike van der Linden:\n> Anbei die Überweisungsdaten, Konto DE76 9798 1436 1473 1748 54.\n> Bitte Verwendungszweck Rg. 2026-1147 angeben.\nDanke Henrike!",
            [
                ("PERSON", "Henrike van der Linden"),
                ("IBAN", "DE76 9798 1436 1473 1748 54"),
                ("KEEP", "Rg. 2026-1147"),
                ("PERSON", "Henrike"),
            ],
        ),
        (
            "El mar, 1 dic 2026 a las 19:20, Íñigo Etxeberria (<inigo.etx@euskalnet.net>) escribió:\n> Mi DNI y demás te lo paso por teléfono, llámame al 688 41 92 07.\n> Dirección de entrega: C/ Mayor, 23, 2º izda., 48005 Bilbao\nHecho, Íñigo. Pedido ES-44871 confirmado.",
            [
                ("PERSON", "Íñigo Etxeberria"),
                ("EMAIL", "inigo.etx@euskalnet.net"),
                ("PHONE", "688 41 92 07"),
                ("STREET_ADDRESS", "C/ Mayor, 23, 2º izda., 48005 Bilbao"),
                ("PERSON", "Íñigo"),
                ("KEEP", "ES-44871"),
            ],
        ),
        (
            "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//Google Inc//Google Calendar 70.9054//EN\nBEGIN:VEVENT\nDTSTART:20261210T150000Z\nSUMMARY:Intro call - Tanvir Hossain x Lumen Labs\nORGANIZER;CN=Tanvir Hossain:mailto:tanvir.hossain@gmail.com\nATTENDEE;CN=Rebecca Stavros;ROLE=REQ-PARTICIPANT:mailto:rebecca@lumenlabs.io\nLOCATION:https://meet.google.com/qvx-hdrm-tpa\nUID:6q3b0mrv4d8l1kfhq2ne7s9ac0@google.com\nEND:VEVENT",
            [
                ("KEEP", "Google Inc//Google Calendar 70.9054//EN"),
                ("PERSON", "Tanvir Hossain"),
                ("KEEP", "Lumen Labs"),
                ("EMAIL", "tanvir.hossain@gmail.com"),
                ("PERSON", "Rebecca Stavros"),
                ("EMAIL", "rebecca@lumenlabs.io"),
                ("URL", "https://meet.google.com/qvx-hdrm-tpa"),
                ("KEEP", "6q3b0mrv4d8l1kfhq2ne7s9ac0@google.com"),
            ],
        ),
        (
            'BEGIN:VEVENT\nORGANIZER;CN="Li, Wen-Hsuan":mailto:wenhsuan.li@tsmc-partners.com\nATTENDEE;PARTSTAT=ACCEPTED;CN=Grant Osei:mailto:grant.osei@outlook.com\nATTENDEE;PARTSTAT=TENTATIVE;CN=kim.young@proton.me:mailto:kim.young@proton.me\nSUMMARY:Project Grant review\nDESCRIPTION:Dial-in +1 646 558 8656 meeting ID 842 1190 3375 passcode 719204\nEND:VEVENT',
            [
                ("PERSON", "Li, Wen-Hsuan"),
                ("EMAIL", "wenhsuan.li@tsmc-partners.com"),
                ("PERSON", "Grant Osei"),
                ("EMAIL", "grant.osei@outlook.com"),
                ("EMAIL", "kim.young@proton.me"),
                ("KEEP", "Project Grant"),
                ("SECRET", "719204"),
            ],
        ),
        (
            "Invitation: Weekly sync @ Wed Dec 9, 2026 10am - 10:30am (CET)\nOrganizer: Benedetta Colombo benedetta.colombo@gmail.com\nGuests: Yuki Tanabe, Rose Achterberg, h.sato@keio-alumni.jp\nJoin: https://us02web.zoom.us/j/81144209371?pwd=bWx3TkRlV0p2SFZqR3l5dz09\nReply for yuki.tanabe@gmail.com",
            [
                ("KEEP", "Weekly sync"),
                ("PERSON", "Benedetta Colombo"),
                ("EMAIL", "benedetta.colombo@gmail.com"),
                ("PERSON", "Yuki Tanabe"),
                ("PERSON", "Rose Achterberg"),
                ("EMAIL", "h.sato@keio-alumni.jp"),
                ("URL", "https://us02web.zoom.us/j/81144209371?pwd=bWx3TkRlV0p2SFZqR3l5dz09"),
                ("EMAIL", "yuki.tanabe@gmail.com"),
            ],
        ),
        (
            "BEGIN:VCARD\nVERSION:3.0\nN:Abernathy;Hope;L.;;\nFN:Hope L. Abernathy\nORG:Cobalt Ridge Realty\nTEL;TYPE=CELL:+1-503-281-4406\nADR;TYPE=HOME:;;8820 SW Canyon Ln Apt 12;Portland;OR;97225;USA\nEMAIL:hope.abernathy@fastmail.com\nEND:VCARD",
            [
                ("PERSON", "Abernathy"),
                ("PERSON", "Hope"),
                ("PERSON", "Hope L. Abernathy"),
                ("KEEP", "Cobalt Ridge Realty"),
                ("PHONE", "+1-503-281-4406"),
                ("STREET_ADDRESS", "8820 SW Canyon Ln Apt 12"),
                ("EMAIL", "hope.abernathy@fastmail.com"),
            ],
        ),
        (
            "BEGIN:VCARD\nVERSION:3.0\nN:Schäfer-Nkemelu;Ngozi;;Dr.;\nFN:Dr. Ngozi Schäfer-Nkemelu\nTEL;TYPE=WORK:+49 30 450 50\nTEL;TYPE=HOME:+49 30 8862 1173\nADR;TYPE=HOME:;c/o Brandt;Oranienstraße 185;Berlin;;10999;Deutschland\nEND:VCARD",
            [
                ("PERSON", "Schäfer-Nkemelu"),
                ("PERSON", "Ngozi"),
                ("PERSON", "Ngozi Schäfer-Nkemelu"),
                ("PHONE", "+49 30 8862 1173"),
                ("PERSON", "Brandt"),
                ("STREET_ADDRESS", "Oranienstraße 185"),
            ],
        ),
        (
            "BEGIN:VCARD\nFN:Léa Bonnefoy\nADR;TYPE=home:BP 214;;3 chemin des Vignes;Saint-Émilion;;33330;France\nTEL:+33 5 57 24 61 08\nX-SOCIALPROFILE;type=instagram:https://instagram.com/lea.bonnefoy.vins\nEND:VCARD",
            [
                ("PERSON", "Léa Bonnefoy"),
                ("STREET_ADDRESS", "BP 214"),
                ("STREET_ADDRESS", "3 chemin des Vignes"),
                ("PHONE", "+33 5 57 24 61 08"),
                ("URL", "https://instagram.com/lea.bonnefoy.vins"),
            ],
        ),
        (
            "commit 0c13ce87f228e56a8c680339a114b7122eec9385\nAuthor: Mateusz Wróblewski <mateusz.wroblewski@gmail.com>\nDate:   Mon Nov 30 21:14:07 2026 +0100\n\n    fix(auth): rotate leaked token\n\n    Signed-off-by: Mateusz Wróblewski <mateusz.wroblewski@gmail.com>\n    Co-authored-by: Aiyana Redcloud <41872209+aredcloud@users.noreply.github.com>",
            [
                ("KEEP", "0c13ce87f228e56a8c680339a114b7122eec9385"),
                ("PERSON", "Mateusz Wróblewski"),
                ("EMAIL", "mateusz.wroblewski@gmail.com"),
                ("PERSON", "Aiyana Redcloud"),
                ("EMAIL", "41872209+aredcloud@users.noreply.github.com"),
            ],
        ),
        (
            'Reviewed-by: Ilse Vandenbroucke <ilse.vdb@telenet.be>\nTested-by: Hamza Qureshi <hqureshi@fastmail.fm>\nReported-by: Joy Lindqvist <joylindqvist@gmail.com>\nLink: https://bugzilla.kernel.org/show_bug.cgi?id=218844\nFixes: d9124dfcba85 ("net: fix Hunter PHY reset")',
            [
                ("PERSON", "Ilse Vandenbroucke"),
                ("EMAIL", "ilse.vdb@telenet.be"),
                ("PERSON", "Hamza Qureshi"),
                ("EMAIL", "hqureshi@fastmail.fm"),
                ("PERSON", "Joy Lindqvist"),
                ("EMAIL", "joylindqvist@gmail.com"),
                ("KEEP", "https://bugzilla.kernel.org/show_bug.cgi?id=218844"),
                ("KEEP", "d9124dfcba85"),
                ("KEEP", "Hunter"),
            ],
        ),
        (
            'git blame src/billing/invoice.py\n8f2a1c04 (Ines Carvalho      2025-03-11 14:02:55 +0000 112)     # TODO(icarvalho): ask Rui why VAT is hardcoded\n3b9e77d1 (Zanele Dlamini     2026-07-02 09:41:10 +0200 113)     rate = Decimal("0.23")',
            [
                ("KEEP", "8f2a1c04"),
                ("PERSON", "Ines Carvalho"),
                ("USERNAME", "icarvalho"),
                ("PERSON", "Rui"),
                ("KEEP", "3b9e77d1"),
                ("PERSON", "Zanele Dlamini"),
            ],
        ),
        (
            "Cherry-picked from upstream; original author Владимир Соколов <v.sokolov@yandex.ru>,\nreviewed by Ahmed El-Sayed. Closes JIRA-9921.",
            [
                ("PERSON", "Владимир Соколов"),
                ("EMAIL", "v.sokolov@yandex.ru"),
                ("PERSON", "Ahmed El-Sayed"),
                ("KEEP", "JIRA-9921"),
            ],
        ),
        (
            '{\n  "name": "@kestrel/ui-kit",\n  "version": "3.14.0",\n  "author": "Thandiwe Moyo <thandiwe.moyo@gmail.com> (https://thandiwe.dev)",\n  "contributors": ["Olek Zieliński <olek.z@wp.pl>"],\n  "license": "MIT"\n}',
            [
                ("KEEP", "@kestrel/ui-kit"),
                ("KEEP", "3.14.0"),
                ("PERSON", "Thandiwe Moyo"),
                ("EMAIL", "thandiwe.moyo@gmail.com"),
                ("URL", "https://thandiwe.dev"),
                ("PERSON", "Olek Zieliński"),
                ("EMAIL", "olek.z@wp.pl"),
            ],
        ),
        (
            'Gem::Specification.new do |s|\n  s.name        = "jekyll-bunting"\n  s.authors     = ["Kenji Watanabe", "Brown, Alicia"]\n  s.email       = ["kenji.w@me.com"]\n  s.homepage    = "https://rubygems.org/gems/jekyll-bunting"\nend',
            [
                ("KEEP", "jekyll-bunting"),
                ("PERSON", "Kenji Watanabe"),
                ("PERSON", "Brown, Alicia"),
                ("EMAIL", "kenji.w@me.com"),
                ("KEEP", "https://rubygems.org/gems/jekyll-bunting"),
            ],
        ),
        (
            '# setup.py\nsetup(\n    name="kingfisher-sdk",\n    author="Dr. Amara Chukwuemeka",\n    author_email="amara.c@ox-alumni.org",\n    url="https://github.com/kingfisher-io/kingfisher-sdk",\n)',
            [
                ("KEEP", "kingfisher-sdk"),
                ("PERSON", "Amara Chukwuemeka"),
                ("EMAIL", "amara.c@ox-alumni.org"),
                ("KEEP", "https://github.com/kingfisher-io/kingfisher-sdk"),
            ],
        ),
        (
            '[package]\nname = "hope-rs"\nauthors = ["Mihaela Popescu <mihaela.popescu@yahoo.ro>"]\nedition = "2021"\nrepository = "https://github.com/hope-rs/hope"',
            [
                ("KEEP", "hope-rs"),
                ("PERSON", "Mihaela Popescu"),
                ("EMAIL", "mihaela.popescu@yahoo.ro"),
                ("KEEP", "https://github.com/hope-rs/hope"),
            ],
        ),
        (
            "### Bug: export fails for accounts with umlauts\n**Reporter:** Björn Ekdahl (@bekdahl)\n**Steps:** log in as bjorn.ekdahl@spotifyfan.se, export CSV v2\n**Expected:** file downloads\n**Actual:** `UnicodeEncodeError` at exporter.py:88\ncc @mkowalski-dev @hope-k",
            [
                ("PERSON", "Björn Ekdahl"),
                ("USERNAME", "@bekdahl"),
                ("EMAIL", "bjorn.ekdahl@spotifyfan.se"),
                ("KEEP", "CSV v2"),
                ("KEEP", "exporter.py:88"),
                ("USERNAME", "@mkowalski-dev"),
                ("USERNAME", "@hope-k"),
            ],
        ),
        (
            "**Describe the bug**\nWith `OPENAI_API_KEY=sk-proj-1xhF0A4RJ0oQvbtHXgnYmpYK_kj8QRL5WF7Em1d3` set the client still says 401.\n(yes i know i pasted my key, will rotate)\n**Environment:** langchain 0.3.7, Python 3.12.1, macOS Sonoma",
            [
                ("API_KEY", "sk-proj-1xhF0A4RJ0oQvbtHXgnYmpYK_kj8QRL5WF7Em1d3"),
                ("KEEP", "langchain 0.3.7"),
                ("KEEP", "Python 3.12.1"),
                ("KEEP", "Sonoma"),
            ],
        ),
        (
            "Steps to reproduce:\n1. Go to https://app.hearthly.com/reset-password?token=8f3KqL0vZ2mN7xPbR4tYw9cE\n2. Enter new password\n3. See error\nFound by Mark Twelvetrees on staging-eu. Related: https://github.com/hearthly/web/issues/1022",
            [
                ("URL", "https://app.hearthly.com/reset-password?token=8f3KqL0vZ2mN7xPbR4tYw9cE"),
                ("PERSON", "Mark Twelvetrees"),
                ("KEEP", "staging-eu"),
                ("KEEP", "https://github.com/hearthly/web/issues/1022"),
            ],
        ),
        (
            "[GitHub] frankie-oduya commented on issue #883:\n> works for me on ubuntu 24.04. @grace-liu can you share your `~/.aws/credentials`? (redact it!!)\n> grace-liu: oops here: aws_access_key_id = AKIAI72EFKWGRGXOVGCD aws_secret_access_key = pq78d3kVS7HyxFHGS1jIj20ylfcsq0BVfskzYTx2",
            [
                ("USERNAME", "frankie-oduya"),
                ("KEEP", "#883"),
                ("KEEP", "ubuntu 24.04"),
                ("USERNAME", "grace-liu"),
                ("API_KEY", "AKIAI72EFKWGRGXOVGCD"),
                ("SECRET", "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"),
            ],
        ),
        (
            'def send_invoice(customer_id: int) -> None:\n    """Send the monthly invoice.\n\n    Originally written by Marguerite Okonjo-Hale (she left in 2024, ask Dev).\n    Test with customer 10442 which is Mrs. Penelope Ashworth\'s account.\n    """',
            [
                ("PERSON", "Marguerite Okonjo-Hale"),
                ("PERSON", "Dev"),
                ("KEEP", "10442"),
                ("PERSON", "Penelope Ashworth"),
            ],
        ),
        (
            "/**\n * @author Sipho Ndlovu <sipho.ndlovu@capetown-dev.co.za>\n * @since 2.3\n * @see https://docs.oracle.com/javase/8/docs/api/java/util/Map.html\n */\npublic class GrantCalculator {",
            [
                ("PERSON", "Sipho Ndlovu"),
                ("EMAIL", "sipho.ndlovu@capetown-dev.co.za"),
                ("KEEP", "2.3"),
                ("KEEP", "https://docs.oracle.com/javase/8/docs/api/java/util/Map.html"),
            ],
        ),
        (
            '    # connect to the prod replica (creds from Yevgenia, don\'t share)\n    conn = psycopg2.connect(host="10.42.7.19", user="analytics_ro",\n                            password="Q8m#vT2p!eLw", dbname="warehouse")\n    # TODO use os.environ["PGPASSWORD"]',
            [
                ("PERSON", "Yevgenia"),
                ("IP_ADDRESS", "10.42.7.19"),
                ("USERNAME", "analytics_ro"),
                ("SECRET", "Q8m#vT2p!eLw"),
                ("KEEP", "warehouse"),
                ("KEEP", 'os.environ["PGPASSWORD"]'),
            ],
        ),
        (
            "/* eslint-disable */\n// Google Maps key (restricted to *.hollyhock.app) — Rishi says its fine to commit\nexport const MAPS_KEY = 'AIzaBTBw7tHR12BSFrA1Hy83nQitAadngklbva_'\nexport const EXAMPLE_KEY = 'YOUR_GOOGLE_MAPS_API_KEY'",
            [
                ("KEEP", "hollyhock.app"),
                ("PERSON", "Rishi"),
                ("API_KEY", "AIzaBTBw7tHR12BSFrA1Hy83nQitAadngklbva_"),
                ("KEEP", "YOUR_GOOGLE_MAPS_API_KEY"),
            ],
        ),
        (
            "<?php\n// contact form recipient — set by Joy-Ann Baptiste\n$to = 'joyann.baptiste@gmail.com';\n$smtp_pass = 'Carnival#Trini84';\n$smtp_host = 'smtp.mailgun.org';",
            [
                ("PERSON", "Joy-Ann Baptiste"),
                ("EMAIL", "joyann.baptiste@gmail.com"),
                ("SECRET", "Carnival#Trini84"),
                ("KEEP", "smtp.mailgun.org"),
            ],
        ),
        (
            'resource "aws_db_instance" "main" {\n  identifier = "grantly-prod"\n  username   = "grantly_admin"\n  password   = "Zx9!pL2@wQ7#mN4"\n  tags = { Owner = "Chiamaka Eze", CostCenter = "CC-4410" }\n}',
            [
                ("KEEP", "grantly-prod"),
                ("USERNAME", "grantly_admin"),
                ("SECRET", "Zx9!pL2@wQ7#mN4"),
                ("PERSON", "Chiamaka Eze"),
                ("KEEP", "CC-4410"),
            ],
        ),
        (
            "services:\n  db:\n    image: postgres:16.2-alpine\n    environment:\n      POSTGRES_USER: hope\n      POSTGRES_PASSWORD: d1sc0-Inferno-77\n  app:\n    environment:\n      - ADMIN_EMAIL=hope.ramirez@cuatrovientos.mx\n      - SECRET_KEY=changeme",
            [
                ("KEEP", "postgres:16.2-alpine"),
                ("USERNAME", "hope"),
                ("SECRET", "d1sc0-Inferno-77"),
                ("EMAIL", "hope.ramirez@cuatrovientos.mx"),
                ("KEEP", "changeme"),
            ],
        ),
        (
            'apiVersion: v1\nkind: Secret\nmetadata:\n  name: stripe-creds\n  annotations:\n    owner: "Lukas Brandstätter"\nstringData:\n  STRIPE_SECRET_KEY: sk_live_pY0A3X8QkUASYJiXfyogkrqR\n  STRIPE_WEBHOOK_SECRET: whsec_BLWSfJzD7qBcLMW0L7s2SmfGF8GCpycP',
            [
                ("KEEP", "stripe-creds"),
                ("PERSON", "Lukas Brandstätter"),
                ("API_KEY", "sk_live_pY0A3X8QkUASYJiXfyogkrqR"),
                ("SECRET", "whsec_BLWSfJzD7qBcLMW0L7s2SmfGF8GCpycP"),
            ],
        ),
        (
            'version: "3.9"\nservices:\n  grafana:\n    image: grafana/grafana:11.3.0\n    environment:\n      GF_SECURITY_ADMIN_USER: mbrown\n      GF_SECURITY_ADMIN_PASSWORD: Brown&Black1990\n      GF_SERVER_ROOT_URL: http://localhost:3000',
            [
                ("KEEP", "grafana/grafana:11.3.0"),
                ("USERNAME", "mbrown"),
                ("SECRET", "Brown&Black1990"),
                ("KEEP", "http://localhost:3000"),
            ],
        ),
        (
            'locals {\n  maintainers = ["m.herrera@solaris.es", "jdubois@solaris.fr"]\n  hf_token    = "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"\n  example     = "hf_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"\n}',
            [
                ("EMAIL", "m.herrera@solaris.es"),
                ("EMAIL", "jdubois@solaris.fr"),
                ("API_KEY", "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"),
                ("KEEP", "hf_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"),
            ],
        ),
        (
            "Nachname;Vorname;Geburtstag;Anschrift;Handy;Notiz\nGroßmann;Lieselotte;12.06.1947;Am Anger 3, 07743 Jena;0171 2294418;Pflegegrad 2\nYılmaz;Emine;30.01.1952;Steinweg 41a, 07743 Jena;;Rollator",
            [
                ("PERSON", "Großmann"),
                ("PERSON", "Lieselotte"),
                ("DATE_OF_BIRTH", "12.06.1947"),
                ("STREET_ADDRESS", "Am Anger 3, 07743 Jena"),
                ("PHONE", "0171 2294418"),
                ("KEEP", "Pflegegrad 2"),
                ("PERSON", "Yılmaz"),
                ("PERSON", "Emine"),
                ("DATE_OF_BIRTH", "30.01.1952"),
                ("STREET_ADDRESS", "Steinweg 41a, 07743 Jena"),
                ("KEEP", "Rollator"),
            ],
        ),
        (
            "cognome|nome|cellulare|indirizzo_residenza|iban_rimborso\nEsposito|Gennaro|333 1928 447|Vico Lungo Gelso 12, 80134 Napoli|IT14L0328448797870061373007",
            [
                ("PERSON", "Esposito"),
                ("PERSON", "Gennaro"),
                ("PHONE", "333 1928 447"),
                ("STREET_ADDRESS", "Vico Lungo Gelso 12, 80134 Napoli"),
                ("IBAN", "IT14L0328448797870061373007"),
            ],
        ),
        (
            'apellidos,nombre,fecha_nac,movil,domicilio\n"García Márquez","Lucía",1993-11-04,612 884 310,"Avda. de la Constitución 18, 4º B, 41001 Sevilla"\n"Fernández de Córdoba","Álvaro",1988-02-29,699 201 778,"Pza. del Pilar 5, esc. 2, 1º D, 50003 Zaragoza"',
            [
                ("PERSON", "García Márquez"),
                ("PERSON", "Lucía"),
                ("DATE_OF_BIRTH", "1993-11-04"),
                ("PHONE", "612 884 310"),
                ("STREET_ADDRESS", "Avda. de la Constitución 18, 4º B, 41001 Sevilla"),
                ("PERSON", "Fernández de Córdoba"),
                ("PERSON", "Álvaro"),
                ("DATE_OF_BIRTH", "1988-02-29"),
                ("PHONE", "699 201 778"),
                ("STREET_ADDRESS", "Pza. del Pilar 5, esc. 2, 1º D, 50003 Zaragoza"),
            ],
        ),
        (
            "nome_cliente;cpf;whatsapp;endereco_entrega;cep\nThaís Albuquerque Ramos;123.456.789-09;(11) 98812-4477;Rua Harmonia, 921, apto 54, Vila Madalena, São Paulo - SP;05435-000\nJoão Pedro Nascimento;987.654.321-00;(21) 99734-1020;Av. Atlântica, 1702, bloco B, sala 3, Copacabana;22021-001",
            [
                ("PERSON", "Thaís Albuquerque Ramos"),
                ("PHONE", "(11) 98812-4477"),
                ("STREET_ADDRESS", "Rua Harmonia, 921, apto 54, Vila Madalena, São Paulo - SP"),
                ("PERSON", "João Pedro Nascimento"),
                ("PHONE", "(21) 99734-1020"),
                ("STREET_ADDRESS", "Av. Atlântica, 1702, bloco B, sala 3, Copacabana"),
            ],
        ),
        (
            "| Kunde | Kreditkarte | Gültig | Prüfziffer |\n|---|---|---|---|\n| Hr. Brown | 2221 7018 2359 2326 | 08/29 | 417 |\n| Fr. Schwarz | 3528 2476 6396 9545 | 11/27 | 062 |",
            [
                ("PERSON", "Brown"),
                ("CREDIT_CARD", "2221 7018 2359 2326"),
                ("SECRET", "417"),
                ("PERSON", "Schwarz"),
                ("CREDIT_CARD", "3528 2476 6396 9545"),
                ("SECRET", "062"),
            ],
        ),
        (
            "Dear Mr. Grant Whitaker-Lowe,\n\nThank you for renewing your Gold Saver policy (no. HX-2209-88341). Your new premium of £41.20 will be collected from the account ending 4471 on the 1st of each month.\nWe have your address as Rose Cottage, 4 Church Lane, Little Snoring, Fakenham NR21 0HY.",
            [
                ("PERSON", "Grant Whitaker-Lowe"),
                ("KEEP", "Gold Saver"),
                ("KEEP", "HX-2209-88341"),
                ("KEEP", "4471"),
                ("KEEP", "1st of each month"),
                (
                    "STREET_ADDRESS",
                    "Rose Cottage, 4 Church Lane, Little Snoring, Fakenham NR21 0HY",
                ),
            ],
        ),
        (
            "Sehr geehrte Frau Dr. Kübra Aydın-Schultheiß,\nwir bestätigen die Kündigung Ihres Vertrags V-0091-2281 zum 31.01.2027.\nDie Restzahlung überweisen wir auf Ihr Konto DE74385345455839121200.\nIhre Anschrift: Goethestraße 12, Hinterhaus, 2. OG, 04109 Leipzig",
            [
                ("PERSON", "Kübra Aydın-Schultheiß"),
                ("KEEP", "V-0091-2281"),
                ("KEEP", "31.01.2027"),
                ("IBAN", "DE74385345455839121200"),
                ("STREET_ADDRESS", "Goethestraße 12, Hinterhaus, 2. OG, 04109 Leipzig"),
            ],
        ),
        (
            "Dear {{Name}},   [Name = Dr. Anjali Subramaniam]\nYour referral code is HOPE-2026-7731. Share it: https://refer.kindlinghealth.com/r/anjali-subramaniam-7731\nQuestions? Reply to support@kindlinghealth.com.",
            [
                ("PERSON", "Anjali Subramaniam"),
                ("KEEP", "HOPE-2026-7731"),
                ("URL", "https://refer.kindlinghealth.com/r/anjali-subramaniam-7731"),
            ],
        ),
        (
            "Beste mevrouw De Groot-Bakker,\nUw pakket 3SDEVC4471029 wordt bezorgd op Weversstraat 9 huis, 2011 AX Haarlem.\nNiet thuis? Uw buurvrouw mw. Yıldız op nr. 11 neemt het aan.",
            [
                ("PERSON", "De Groot-Bakker"),
                ("KEEP", "3SDEVC4471029"),
                ("STREET_ADDRESS", "Weversstraat 9 huis, 2011 AX Haarlem"),
                ("PERSON", "Yıldız"),
            ],
        ),
        (
            'THIS TENANCY AGREEMENT is made on 1 December 2026 BETWEEN:\n(1) GRAHAM ALISTAIR MCBRIDE of Flat 7, Second Floor, 33 Bruntsfield Place, Edinburgh EH10 4HJ ("the Landlord"); and\n(2) OLUWADAMILARE JOY FASHOLA of c/o 14 Leith Walk, Edinburgh EH6 8LN ("the Tenant").',
            [
                ("KEEP", "1 December 2026"),
                ("PERSON", "GRAHAM ALISTAIR MCBRIDE"),
                (
                    "STREET_ADDRESS",
                    "Flat 7, Second Floor, 33 Bruntsfield Place, Edinburgh EH10 4HJ",
                ),
                ("PERSON", "OLUWADAMILARE JOY FASHOLA"),
                ("STREET_ADDRESS", "c/o 14 Leith Walk, Edinburgh EH6 8LN"),
            ],
        ),
        (
            "CONTRAT DE PRESTATION\nEntre : la société Atelier Boréal SAS, RCS Lyon 882 114 590,\nreprésentée par M. Baptiste Ferrand, ci-après « le Prestataire »,\net Mme Constance de Villepin-Roux, née le 22/07/1975, demeurant 8, impasse des Glycines, 13100 Aix-en-Provence, ci-après « la Cliente ».",
            [
                ("KEEP", "Atelier Boréal SAS"),
                ("KEEP", "RCS Lyon 882 114 590"),
                ("PERSON", "Baptiste Ferrand"),
                ("PERSON", "Constance de Villepin-Roux"),
                ("DATE_OF_BIRTH", "22/07/1975"),
                ("STREET_ADDRESS", "8, impasse des Glycines, 13100 Aix-en-Provence"),
            ],
        ),
        (
            "CONTRATTO DI COMPRAVENDITA\nIl Sig. Alessandro Rinaldi, nato a Firenze il 14/02/1966, residente a Firenze, Borgo Pinti 72, scala B, interno 9,\nvende alla Sig.ra Grazia Lombardo l'immobile sito in Fiesole, foglio 12 particella 448.",
            [
                ("PERSON", "Alessandro Rinaldi"),
                ("DATE_OF_BIRTH", "14/02/1966"),
                ("STREET_ADDRESS", "Firenze, Borgo Pinti 72, scala B, interno 9"),
                ("PERSON", "Grazia Lombardo"),
                ("KEEP", "Fiesole"),
            ],
        ),
        (
            'HUURCONTRACT WOONRUIMTE\nOndergetekenden: Pieter-Jan Smit, wonende te Oudegracht 231-bis, 3511 NK Utrecht, hierna "verhuurder",\nen Ayesha Rahman, geboren 9 mei 1998 te Dhaka, hierna "huurder".\nMaandhuur € 1.450 op NL38INGB5656567916.',
            [
                ("PERSON", "Pieter-Jan Smit"),
                ("STREET_ADDRESS", "Oudegracht 231-bis, 3511 NK Utrecht"),
                ("PERSON", "Ayesha Rahman"),
                ("DATE_OF_BIRTH", "9 mei 1998"),
                ("KEEP", "€ 1.450"),
                ("IBAN", "NL38INGB5656567916"),
            ],
        ),
        (
            "REFERRAL LETTER\nTo: Dr A. Venkatesh, Consultant Cardiologist, Royal Berkshire Hospital\nRe: Mrs Blessing Adjei-Mensah, DOB 04/04/1958, NHS no. 485 777 3456\n12 Elm Grove, Tilehurst, Reading RG31 6AB. Tel 0118 942 7710\nThank you for seeing this lady with AF on apixaban 5mg.",
            [
                ("PERSON", "A. Venkatesh"),
                ("KEEP", "Royal Berkshire Hospital"),
                ("PERSON", "Blessing Adjei-Mensah"),
                ("DATE_OF_BIRTH", "04/04/1958"),
                ("STREET_ADDRESS", "12 Elm Grove, Tilehurst, Reading RG31 6AB"),
                ("PHONE", "0118 942 7710"),
                ("KEEP", "AF"),
                ("KEEP", "apixaban 5mg"),
            ],
        ),
        (
            "Lettre d'adressage — Service de dermatologie, CHU de Nantes\nCher confrère, je vous adresse Mlle Rose-Marie Nguyen (née le 11/09/2003) pour un naevus atypique dorsal.\nTél. patiente : 06 22 48 71 90. Dr Gaëlle Le Bihan, RPPS 10101234567",
            [
                ("KEEP", "CHU de Nantes"),
                ("PERSON", "Rose-Marie Nguyen"),
                ("DATE_OF_BIRTH", "11/09/2003"),
                ("KEEP", "naevus atypique"),
                ("PHONE", "06 22 48 71 90"),
                ("PERSON", "Gaëlle Le Bihan"),
            ],
        ),
        (
            "Pt: bill hardcastle 72M dob 2/9/54\nlives alone 214 w elm st apt 2 springfield\nhx: CHF, T2DM; med: metformin 500 bid\nreferred to home health, daughter grace (217 555 0193) is poa",
            [
                ("PERSON", "bill hardcastle"),
                ("DATE_OF_BIRTH", "2/9/54"),
                ("STREET_ADDRESS", "214 w elm st apt 2"),
                ("KEEP", "CHF"),
                ("KEEP", "T2DM"),
                ("KEEP", "metformin"),
                ("PERSON", "grace"),
                ("PHONE", "217 555 0193"),
            ],
        ),
        (
            "Verwijsbrief huisarts dr. E. Bakker\nBetreft: dhr. Sem van der Heijden, geb. 02-12-1990, BSN bekend\nAdres: Molenweg 4, 7161 AB Neede\nVraagstelling: MRI knie rechts, Ziekenhuis Gelderse Vallei",
            [
                ("PERSON", "E. Bakker"),
                ("PERSON", "Sem van der Heijden"),
                ("DATE_OF_BIRTH", "02-12-1990"),
                ("STREET_ADDRESS", "Molenweg 4, 7161 AB Neede"),
                ("KEEP", "MRI knie"),
                ("KEEP", "Ziekenhuis Gelderse Vallei"),
            ],
        ),
        (
            "STUDENT RECORD — Oakridge Middle School\nStudent: Jaylen Marcus Brooks   Grade: 7   ID: S-204417\nDOB: March 3, 2014\nGuardian: Tamika Brooks (mother) 404-378-2291 tamika.brooks77@gmail.com\nHome: 3310 Glenwood Ave SE, Unit 14, Atlanta, GA 30317\nAllergy: peanuts",
            [
                ("KEEP", "Oakridge Middle School"),
                ("PERSON", "Jaylen Marcus Brooks"),
                ("KEEP", "S-204417"),
                ("DATE_OF_BIRTH", "March 3, 2014"),
                ("PERSON", "Tamika Brooks"),
                ("PHONE", "404-378-2291"),
                ("EMAIL", "tamika.brooks77@gmail.com"),
                ("STREET_ADDRESS", "3310 Glenwood Ave SE, Unit 14, Atlanta, GA 30317"),
                ("KEEP", "peanuts"),
            ],
        ),
        (
            "Parent-teacher note\nHi Ms Joy, it's Hope's dad (Hope Adeyinka, year 4, class Willow). She won't be in Friday, we're at her nan's in Swansea. Any homework can go to my email t.adeyinka@btinternet.com — Tunde",
            [
                ("PERSON", "Joy"),
                ("PERSON", "Hope"),
                ("PERSON", "Hope Adeyinka"),
                ("KEEP", "Willow"),
                ("KEEP", "Swansea"),
                ("EMAIL", "t.adeyinka@btinternet.com"),
                ("PERSON", "Tunde"),
            ],
        ),
        (
            "Pupil: Arjun Nair | Std IX-B | Roll 23\nFather: Suresh Nair | Mobile +91 94470 51823\nAddress: TC 25/1447, Thycaud P.O., Thiruvananthapuram 695014\nFees paid via UPI sureshnair@okaxis",
            [
                ("PERSON", "Arjun Nair"),
                ("KEEP", "IX-B"),
                ("PERSON", "Suresh Nair"),
                ("PHONE", "+91 94470 51823"),
                ("STREET_ADDRESS", "TC 25/1447, Thycaud P.O., Thiruvananthapuram 695014"),
                ("USERNAME", "sureshnair@okaxis"),
            ],
        ),
        (
            "For sale: 3-bed semi, Kingsbury area. Viewings via owner Mark Ashdown 07912 448 207 — property at 22 Bramble Way, London NW9 8QT. Near Kingsbury tube, Jubilee line. EPC C.",
            [
                ("KEEP", "Kingsbury"),
                ("PERSON", "Mark Ashdown"),
                ("PHONE", "07912 448 207"),
                ("STREET_ADDRESS", "22 Bramble Way, London NW9 8QT"),
                ("KEEP", "Jubilee line"),
            ],
        ),
        (
            "Appartement T3 à louer — Croix-Rousse\nVisite sur RDV avec la propriétaire, Mme Solène Garnier : solene.garnier@sfr.fr\n17 montée de la Grande-Côte, 69001 Lyon, 4e sans ascenseur. DPE D. Loyer 1 120 € CC.",
            [
                ("KEEP", "Croix-Rousse"),
                ("PERSON", "Solène Garnier"),
                ("EMAIL", "solene.garnier@sfr.fr"),
                ("STREET_ADDRESS", "17 montée de la Grande-Côte, 69001 Lyon"),
                ("KEEP", "DPE D"),
                ("KEEP", "1 120 €"),
            ],
        ),
        (
            "Listing #MLS 24-881023 | 4410 Rural Route 1, Box 7B, Mount Hope, WI 53816 | 40 acres | Seller: Hope & Grant Lindqvist | Agent: Summer Reyes, Driftless Realty (608) 437-1180",
            [
                ("KEEP", "MLS 24-881023"),
                ("STREET_ADDRESS", "4410 Rural Route 1, Box 7B, Mount Hope, WI 53816"),
                ("PERSON", "Hope & Grant Lindqvist"),
                ("PERSON", "Summer Reyes"),
                ("KEEP", "Driftless Realty"),
                ("PHONE", "(608) 437-1180"),
            ],
        ),
        (
            "[match chat]\njess 🌻: haha ok ur funny. im jessamyn btw but nobody calls me that\ntariq: lol jessamyn is cute. here's my snap tariq.k_99 and my number 07492 118 306 if u prefer whatsapp\njess 🌻: omg u live in Peckham too??",
            [
                ("PERSON", "jess"),
                ("PERSON", "jessamyn"),
                ("PERSON", "tariq"),
                ("USERNAME", "tariq.k_99"),
                ("PHONE", "07492 118 306"),
                ("KEEP", "Peckham"),
            ],
        ),
        (
            "[chat export]\n12/01 21:14 Diego: te paso mi ig: instagram.com/diego.montalvo.fit 💪\n12/01 21:16 Valentina: jajaja ok, yo soy vale_rdz en tiktok\n12/01 21:17 Diego: ¿vives cerca de Polanco? yo estoy en Av. Presidente Masaryk 360, depto 1203",
            [
                ("PERSON", "Diego"),
                ("URL", "instagram.com/diego.montalvo.fit"),
                ("PERSON", "Valentina"),
                ("USERNAME", "vale_rdz"),
                ("KEEP", "Polanco"),
                ("STREET_ADDRESS", "Av. Presidente Masaryk 360, depto 1203"),
            ],
        ),
        (
            'Profil: Anneke, 34, Utrecht\n"Op zoek naar iemand voor Lowlands 🎶"\nBericht van Bram: hoi Anneke! mijn nummer is 06 12 87 44 90, app maar 😊',
            [
                ("PERSON", "Anneke"),
                ("KEEP", "Utrecht"),
                ("KEEP", "Lowlands"),
                ("PERSON", "Bram"),
                ("PHONE", "06 12 87 44 90"),
            ],
        ),
        (
            '[dating app report]\nReported user: bigbill_420 (display name "Bill")\nReason: sent unsolicited photos, asked for my bank PIN?? and address\nReporter: Rosalind Achebe (ros_achebe)',
            [
                ("USERNAME", "bigbill_420"),
                ("PERSON", "Bill"),
                ("PERSON", "Rosalind Achebe"),
                ("USERNAME", "ros_achebe"),
            ],
        ),
        (
            '★★★★★ "Best pho in Leeds"\nWent for my mum\'s 60th, staff were lovely esp. Linh. Will be back!\n— Gareth Pryce-Jones, Headingley',
            [
                ("KEEP", "pho"),
                ("KEEP", "Leeds"),
                ("PERSON", "Linh"),
                ("PERSON", "Gareth Pryce-Jones"),
                ("KEEP", "Headingley"),
            ],
        ),
        (
            'Reseña de Google · Hope Sandoval · Local Guide · 112 reseñas\n"El Hotel Alhambra Palace increíble, pero el recepcionista Paco nos cobró dos veces. Tarjeta acabada en 5635."',
            [
                ("PERSON", "Hope Sandoval"),
                ("KEEP", "Hotel Alhambra Palace"),
                ("PERSON", "Paco"),
                ("KEEP", "5635"),
            ],
        ),
        (
            'Amazon.de Rezension von Willi Sommer ★★★★☆\n"Bosch PSR 18 LI-2 top, Akku hält lange. Nur die Rechnung kam an Sommerweg 3 statt Winterweg 3 🙄"\nHilfreich für 14 Personen',
            [
                ("PERSON", "Willi Sommer"),
                ("KEEP", "Bosch PSR 18 LI-2"),
                ("STREET_ADDRESS", "Sommerweg 3"),
            ],
        ),
        (
            "Review for Grant's Garage (Springfield, IL)\nGrant himself fixed my Honda Civic in an hour. Honest guy. 10/10.\n- Bill & Joy Kaminski",
            [
                ("KEEP", "Grant's Garage"),
                ("KEEP", "Springfield, IL"),
                ("PERSON", "Grant"),
                ("KEEP", "Honda Civic"),
                ("PERSON", "Bill & Joy Kaminski"),
            ],
        ),
        (
            "Yelp · Kimberly Nguyen-Baptiste · Houston, TX\nDr. Summers at Bayou Smiles Dental is the best!! My son Jaxon actually looks forward to cleanings lol",
            [
                ("PERSON", "Kimberly Nguyen-Baptiste"),
                ("KEEP", "Houston, TX"),
                ("PERSON", "Summers"),
                ("KEEP", "Bayou Smiles Dental"),
                ("PERSON", "Jaxon"),
            ],
        ),
        (
            "bhai rohit ka number de na, 98201 77415 wala band hai kya? usko Zomato ka refund chahiye tha, uska email rohit.malhotra91@gmail.com hai",
            [
                ("PERSON", "rohit"),
                ("PHONE", "98201 77415"),
                ("KEEP", "Zomato"),
                ("EMAIL", "rohit.malhotra91@gmail.com"),
            ],
        ),
        (
            "hello sir mera account number galat dikh raha hai, IBAN DE76979814361473174854 hai, naam Harpreet Kaur Sandhu, Germany mein rehti hoon Bahnhofstr. 22, 60311 Frankfurt am Main pe",
            [
                ("IBAN", "DE76979814361473174854"),
                ("PERSON", "Harpreet Kaur Sandhu"),
                ("STREET_ADDRESS", "Bahnhofstr. 22, 60311 Frankfurt am Main"),
            ],
        ),
        (
            "oye mija, dile a tu tío Rigoberto que me llame, my number changed, it's (956) 423-7719. And tell Lupita the quinceañera is at 1203 E Tyler Ave, Harlingen, TX 78550 ok?",
            [
                ("PERSON", "Rigoberto"),
                ("PHONE", "(956) 423-7719"),
                ("PERSON", "Lupita"),
                ("STREET_ADDRESS", "1203 E Tyler Ave, Harlingen, TX 78550"),
            ],
        ),
        (
            "girl I already sent you my card, it's 4777 7098 6331 1030, exp 04/28, pero no le digas a mi mamá 😂 it's for the Bad Bunny tickets",
            [
                ("CREDIT_CARD", "4777 7098 6331 1030"),
                ("KEEP", "Bad Bunny"),
            ],
        ),
        (
            "didi ka DOB 12 march 1996 hai, form mein dalna, aur address flat 302, tower C, Lodha Palava, Dombivli East 421204. PAN card main kal dungi",
            [
                ("DATE_OF_BIRTH", "12 march 1996"),
                ("STREET_ADDRESS", "flat 302, tower C, Lodha Palava, Dombivli East 421204"),
                ("KEEP", "PAN card"),
            ],
        ),
        (
            "顧客名：佐藤 健太 （さとう けんた）\n電話：090-4418-2273\n住所：〒154-0024 東京都世田谷区三軒茶屋2-14-7 サンハイツ201\nメール：kenta.sato@docomo.ne.jp\n注文番号：JP-2026-11873",
            [
                ("PERSON", "佐藤 健太"),
                ("PERSON", "さとう けんた"),
                ("PHONE", "090-4418-2273"),
                ("STREET_ADDRESS", "〒154-0024 東京都世田谷区三軒茶屋2-14-7 サンハイツ201"),
                ("EMAIL", "kenta.sato@docomo.ne.jp"),
                ("KEEP", "JP-2026-11873"),
            ],
        ),
        (
            "고객: 김민준 (Kim Min-jun)\n연락처: 010-4827-1193\n주소: 서울특별시 강남구 테헤란로 152, 12층\n메모: 갤럭시 S24 액정 교체",
            [
                ("PERSON", "김민준"),
                ("PERSON", "Kim Min-jun"),
                ("PHONE", "010-4827-1193"),
                ("STREET_ADDRESS", "서울특별시 강남구 테헤란로 152, 12층"),
                ("KEEP", "갤럭시 S24"),
            ],
        ),
        (
            "العميل: محمد عبدالله الشمري\nالجوال: +966 55 482 1930\nالبريد: m.alshammari@outlook.sa\nملاحظة: الطلب SA-77120 ، التوصيل إلى الرياض",
            [
                ("PERSON", "محمد عبدالله الشمري"),
                ("PHONE", "+966 55 482 1930"),
                ("EMAIL", "m.alshammari@outlook.sa"),
                ("KEEP", "SA-77120"),
                ("KEEP", "الرياض"),
            ],
        ),
        (
            "Гість: Олена Коваленко (Olena Kovalenko), 2 ночі, Львів\nПаспорт на рецепції. Тел. +380 67 412 9053",
            [
                ("PERSON", "Олена Коваленко"),
                ("PERSON", "Olena Kovalenko"),
                ("KEEP", "Львів"),
                ("PHONE", "+380 67 412 9053"),
            ],
        ),
        (
            "Guest list (wedding, table 4):\n陳美玲 Chen Mei-ling, 黃志明 Huang Chih-ming, 이서연 Lee Seo-yeon, Ψαρρός Γιώργος Giorgos Psarros\ndietary: vegan ×2",
            [
                ("PERSON", "陳美玲"),
                ("PERSON", "Chen Mei-ling"),
                ("PERSON", "黃志明"),
                ("PERSON", "Huang Chih-ming"),
                ("PERSON", "이서연"),
                ("PERSON", "Lee Seo-yeon"),
                ("PERSON", "Ψαρρός Γιώργος"),
                ("PERSON", "Giorgos Psarros"),
                ("KEEP", "vegan"),
            ],
        ),
        (
            "hope you're well! Quick one: can Hope join the Friday call? She's covering for Will who will be out. — Grant",
            [
                ("PERSON", "Hope"),
                ("KEEP", "Friday"),
                ("PERSON", "Will"),
                ("PERSON", "Grant"),
            ],
        ),
        (
            "Meeting notes: Mark marked the ticket OPS-221 as done. Summer said summer traffic peaks in July. Hunter is hunting the memory leak in v2.8.1.",
            [
                ("PERSON", "Mark"),
                ("KEEP", "OPS-221"),
                ("PERSON", "Summer"),
                ("KEEP", "July"),
                ("PERSON", "Hunter"),
                ("KEEP", "v2.8.1"),
            ],
        ),
        (
            '"Can you ask King whether the King\'s Cross office has a free desk? Also Black from payroll called." — message from Grace Brown',
            [
                ("PERSON", "King"),
                ("KEEP", "King's Cross"),
                ("PERSON", "Black"),
                ("PERSON", "Grace Brown"),
            ],
        ),
        (
            "Please forward to Dawn before dawn tomorrow — the Sunrise release notes need her sign-off. Sunny will handle the Cloudy staging env.",
            [
                ("PERSON", "Dawn"),
                ("KEEP", "Sunrise"),
                ("PERSON", "Sunny"),
                ("KEEP", "Cloudy"),
            ],
        ),
        (
            "Who's on call? Chase (chase the vendor re Chase Bank API), Glen (in Glen Coe till Tue), Heath.",
            [
                ("PERSON", "Chase"),
                ("KEEP", "Chase Bank"),
                ("PERSON", "Glen"),
                ("KEEP", "Glen Coe"),
                ("PERSON", "Heath"),
            ],
        ),
        (
            "Sehr geehrter Herr Fuchs, der Fuchs im Logo von Fuchs Petrolub ist nicht unser Problem. Frau Sommer meldet sich im Sommer wegen des Winterreifens.",
            [
                ("PERSON", "Fuchs"),
                ("KEEP", "der Fuchs im Logo"),
                ("KEEP", "Fuchs Petrolub"),
                ("PERSON", "Sommer"),
                ("KEEP", "im Sommer"),
            ],
        ),
        (
            "Ship to:\nDelores Whitfield\nc/o Riverside Assisted Living, 1200 N Lake Shore Dr, Rm 314\nChicago IL 60610\nNote: leave with front desk, ask for Nurse Joy Abara",
            [
                ("PERSON", "Delores Whitfield"),
                ("STREET_ADDRESS", "c/o Riverside Assisted Living, 1200 N Lake Shore Dr, Rm 314"),
                ("PERSON", "Joy Abara"),
            ],
        ),
        (
            "deliver: RR 2 Box 41, Hazard, KY 41701 (gravel road past the Baptist church) — customer Earlene Combs 606-436-2284",
            [
                ("STREET_ADDRESS", "RR 2 Box 41, Hazard, KY 41701"),
                ("KEEP", "Baptist church"),
                ("PERSON", "Earlene Combs"),
                ("PHONE", "606-436-2284"),
            ],
        ),
        (
            "Please post the forms to Mrs Edna Pilkington, Ivy House, Back Lane, Great Ayton, Middlesbrough TS9 6PZ (no number — it's the one with the red door)",
            [
                ("PERSON", "Edna Pilkington"),
                ("STREET_ADDRESS", "Ivy House, Back Lane, Great Ayton, Middlesbrough TS9 6PZ"),
                ("KEEP", "red door"),
            ],
        ),
        (
            "Lieferadresse: Lukas Meier c/o Schneider, Am Hang 4, Hinterhaus, 3. OG rechts, 79100 Freiburg im Breisgau",
            [
                ("PERSON", "Lukas Meier"),
                ("PERSON", "Schneider"),
                (
                    "STREET_ADDRESS",
                    "Am Hang 4, Hinterhaus, 3. OG rechts, 79100 Freiburg im Breisgau",
                ),
            ],
        ),
        (
            "Adresse de livraison : M. Théo Gauthier, Bât. B2, esc. 4, appt 1203, 15 avenue de la République, 92120 Montrouge — digicode 4472B",
            [
                ("PERSON", "Théo Gauthier"),
                (
                    "STREET_ADDRESS",
                    "Bât. B2, esc. 4, appt 1203, 15 avenue de la République, 92120 Montrouge",
                ),
                ("SECRET", "4472B"),
            ],
        ),
        (
            "Dirección: Camino de los Almendros s/n, 29700 Vélez-Málaga — cortijo de Paco Gámez, preguntar en el bar La Parada",
            [
                ("STREET_ADDRESS", "Camino de los Almendros s/n, 29700 Vélez-Málaga"),
                ("PERSON", "Paco Gámez"),
                ("KEEP", "bar La Parada"),
            ],
        ),
        (
            "Spedire a: Dott.ssa Federica Galli, Casella Postale 118, 20123 Milano; oppure Corso di Porta Romana 61, scala A, piano 3, int. 12",
            [
                ("PERSON", "Federica Galli"),
                ("STREET_ADDRESS", "Casella Postale 118, 20123 Milano"),
                ("STREET_ADDRESS", "Corso di Porta Romana 61, scala A, piano 3, int. 12"),
            ],
        ),
        (
            "Afleveradres: fam. El Amrani, Vlietweg 12 A, 2266 KA Leidschendam (achterom, bel bij A)",
            [
                ("PERSON", "El Amrani"),
                ("STREET_ADDRESS", "Vlietweg 12 A, 2266 KA Leidschendam"),
            ],
        ),
        (
            "Entrega: Francisca Lopes — Estrada do Colonial, km 7, Sítio Boa Esperança, Zona Rural, Itapecerica da Serra - SP",
            [
                ("PERSON", "Francisca Lopes"),
                (
                    "STREET_ADDRESS",
                    "Estrada do Colonial, km 7, Sítio Boa Esperança, Zona Rural, Itapecerica da Serra - SP",
                ),
            ],
        ),
        (
            "Deliver to: Ms Kavitha Ramanathan, Plot 17, Survey No. 221/3, near Hanuman Temple, Whitefield, Bengaluru 560066, landmark: opp. Forum Shantiniketan",
            [
                ("PERSON", "Kavitha Ramanathan"),
                (
                    "STREET_ADDRESS",
                    "Plot 17, Survey No. 221/3, near Hanuman Temple, Whitefield, Bengaluru 560066",
                ),
                ("KEEP", "Forum Shantiniketan"),
            ],
        ),
        (
            "mail to: Unit 4401 Box 118, APO AE 09012, SGT Marcus Bell, stationed near Ramstein",
            [
                ("STREET_ADDRESS", "Unit 4401 Box 118, APO AE 09012"),
                ("PERSON", "Marcus Bell"),
                ("KEEP", "Ramstein"),
            ],
        ),
        (
            "Here's my config, I replaced the secrets with placeholders:\nOPENAI_API_KEY=sk-...xxxx\nDB_PASSWORD=<PASSWORD>\nADMIN_EMAIL=admin@example.com\nexcept I forgot this one: STRIPE_KEY=sk_live_27mQc1gpqhvvtmtnYRy3gbWy",
            [
                ("KEEP", "sk-...xxxx"),
                ("KEEP", "<PASSWORD>"),
                ("KEEP", "admin@example.com"),
                ("API_KEY", "sk_live_27mQc1gpqhvvtmtnYRy3gbWy"),
            ],
        ),
        (
            'Why does `curl -H "Authorization: Bearer $GITHUB_TOKEN" https://api.github.com/user` work but my python doesn\'t? token = "ghp_1wC4gyZuLPTqnXGuZChYDemOX4bJeyzdjrmX"',
            [
                ("KEEP", "$GITHUB_TOKEN"),
                ("KEEP", "https://api.github.com/user"),
                ("API_KEY", "ghp_1wC4gyZuLPTqnXGuZChYDemOX4bJeyzdjrmX"),
            ],
        ),
        (
            "Docs say the key looks like `sk-ant-api03-XXXXXXXX`; mine is `sk-ant-api03-FRttbIlxO3N3EfWTBfmKSOfaC9_N3TGqhQsC3jemtJYMFg9UTArwbjrgrjElZa_7zCiapWWXWXg6E7SgE06_JhGmqwhaYAA` and it says invalid x-api-key. Version anthropic==0.40.0.",
            [
                ("KEEP", "sk-ant-api03-XXXXXXXX"),
                (
                    "API_KEY",
                    "sk-ant-api03-FRttbIlxO3N3EfWTBfmKSOfaC9_N3TGqhQsC3jemtJYMFg9UTArwbjrgrjElZa_7zCiapWWXWXg6E7SgE06_JhGmqwhaYAA",
                ),
                ("KEEP", "anthropic==0.40.0"),
            ],
        ),
        (
            "Example IBAN from the docs is GB82 WEST 1234 5698 7654 32; the customer's real one is IE95 AIBK 4687 9490 8808 08 (Niamh Fitzgerald).",
            [
                ("KEEP", "GB82 WEST 1234 5698 7654 32"),
                ("IBAN", "IE95 AIBK 4687 9490 8808 08"),
                ("PERSON", "Niamh Fitzgerald"),
            ],
        ),
        (
            "Our status page is https://status.hearthly.com and the API base is https://api.hearthly.com/v2; the partner's private dashboard link is https://app.hearthly.com/share/dash/9f2Kx7QpLm3Vz8Rt (don't post it publicly).",
            [
                ("KEEP", "https://status.hearthly.com"),
                ("KEEP", "https://api.hearthly.com/v2"),
                ("URL", "https://app.hearthly.com/share/dash/9f2Kx7QpLm3Vz8Rt"),
            ],
        ),
        (
            "Which of these is valid JWT? eyJhbGciOiJIUzI1NiJ9.e30.ZRrHA1JJJW8opsbCGfG_HACGpVUMN_a9IV7pAx_Zmeo (the empty-claims example) or the one from prod eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.G7toM2UREVIggFi5bbssHQOvm--aLUUJSsGiLl6po-rcDfplkpZi6pCvxTmz.ALf270ckXQVGdHJe6v3FtKzEIHKVPmY9x35r2GJ4ZK8",
            [
                ("KEEP", "eyJhbGciOiJIUzI1NiJ9.e30.ZRrHA1JJJW8opsbCGfG_HACGpVUMN_a9IV7pAx_Zmeo"),
                (
                    "SECRET",
                    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.G7toM2UREVIggFi5bbssHQOvm--aLUUJSsGiLl6po-rcDfplkpZi6pCvxTmz.ALf270ckXQVGdHJe6v3FtKzEIHKVPmY9x35r2GJ4ZK8",
                ),
            ],
        ),
        (
            "SMS from HDFCBK: Rs 4,250.00 debited from a/c **7731 on 07-12-26 to VPA rajesh.yadav77@oksbi. Not you? Call 18002586161",
            [
                ("KEEP", "HDFCBK"),
                ("KEEP", "7731"),
                ("USERNAME", "rajesh.yadav77@oksbi"),
            ],
        ),
        (
            '[notification] Hannah Oyelowo sent you £45.00 on Monzo: "pizza + uber 🍕". Sort code 04-00-04 (Monzo\'s) ',
            [
                ("PERSON", "Hannah Oyelowo"),
                ("KEEP", "Monzo"),
                ("KEEP", "pizza + uber"),
                ("KEEP", "04-00-04"),
            ],
        ),
        (
            'Push: "Yasmin Haddad wants to connect. View profile: https://www.linkedin.com/in/yasmin-haddad-1a8b2c3"',
            [
                ("PERSON", "Yasmin Haddad"),
                ("URL", "https://www.linkedin.com/in/yasmin-haddad-1a8b2c3"),
            ],
        ),
        (
            "Reset your password: https://accounts.kestrel.app/reset?uid=88213&token=Jf8Ka2Lm9Qz4Xr7Tw1Vb (link expires in 30 min). If you didn't ask, ignore this. https://kestrel.app/help",
            [
                ("URL", "https://accounts.kestrel.app/reset?uid=88213&token=Jf8Ka2Lm9Qz4Xr7Tw1Vb"),
                ("KEEP", "https://kestrel.app/help"),
            ],
        ),
        (
            "$ cat ~/.git-credentials\nhttps://mfernandes:glpat-OASRfuR_nBqrb-WL5suY@gitlab.com\nhttps://x-access-token:ghp_nD10CjP7bxRrUPC4IS6OLjLXFwlGYYsdNPkI@github.com",
            [
                ("USERNAME", "mfernandes"),
                ("API_KEY", "glpat-OASRfuR_nBqrb-WL5suY"),
                ("KEEP", "gitlab.com"),
                ("API_KEY", "ghp_nD10CjP7bxRrUPC4IS6OLjLXFwlGYYsdNPkI"),
                ("KEEP", "github.com"),
            ],
        ),
        (
            'apiVersion: v1\nkind: Config\nusers:\n- name: svetlana.ivanova\n  user:\n    token: eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.Q10BI-l8XwB2CXvEvtBm3xRqHPm55VR5UuD0E2_8isTmfFVOXKNFUmWE6ARx.8KXE8ktW4NxOegWBbKF_R0x0DM7c8Iw64BvpnjKXcYA\nclusters:\n- cluster: {server: "https://10.96.0.1:443"}',
            [
                ("USERNAME", "svetlana.ivanova"),
                (
                    "SECRET",
                    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.Q10BI-l8XwB2CXvEvtBm3xRqHPm55VR5UuD0E2_8isTmfFVOXKNFUmWE6ARx.8KXE8ktW4NxOegWBbKF_R0x0DM7c8Iw64BvpnjKXcYA",
                ),
            ],
        ),
        (
            'curl -X POST https://api.twilio.com/2010-04-01/Accounts/AC3ec697805fda4bc8a3b6f6524ade82a6/Messages.json \\\n  -u AC3ec697805fda4bc8a3b6f6524ade82a6:1b8267365fc9bb78820abe6f027d4331 \\\n  --data-urlencode "To=+15124418873" --data-urlencode "Body=Hi Marisol, your table is ready"',
            [
                ("USERNAME", "AC3ec697805fda4bc8a3b6f6524ade82a6"),
                ("SECRET", "1b8267365fc9bb78820abe6f027d4331"),
                ("PHONE", "+15124418873"),
                ("PERSON", "Marisol"),
            ],
        ),
        (
            '[postman environment export]\n{"key":"baseUrl","value":"https://api.sandbox.paypal.com"},\n{"key":"client_id","value":"AeX7q2LmZ9Rt4Vb8Kp1Wc3Ns6Hd0Jf5Gy"},\n{"key":"client_secret","value":"EKq9Zt3LmXv8Rp2Wn5Bc7Hd4Jf6Gy1Ns0Tq8Vm3Lx"},\n{"key":"buyer_email","value":"sb-47kq3k1928@personal.example.com"}',
            [
                ("KEEP", "https://api.sandbox.paypal.com"),
                ("USERNAME", "AeX7q2LmZ9Rt4Vb8Kp1Wc3Ns6Hd0Jf5Gy"),
                ("SECRET", "EKq9Zt3LmXv8Rp2Wn5Bc7Hd4Jf6Gy1Ns0Tq8Vm3Lx"),
                ("KEEP", "sb-47kq3k1928@personal.example.com"),
            ],
        ),
        (
            "$ heroku config -a grace-notes-prod\nDATABASE_URL:  postgres://u8k2jd91mz:p4c1e8b7f2a9d06e3b5c7a1f9e2d4b8c6a0f3e7d1b9c5a2f8e4d6b0c7a3f1e9d2@ec2-34-246-11-98.eu-west-1.compute.amazonaws.com:5432/d8fkq2\nMAILGUN_API_KEY: key-d298859d99df71bc6bc661df8b1ea3cf",
            [
                ("KEEP", "grace-notes-prod"),
                ("USERNAME", "u8k2jd91mz"),
                ("SECRET", "p4c1e8b7f2a9d06e3b5c7a1f9e2d4b8c6a0f3e7d1b9c5a2f8e4d6b0c7a3f1e9d2"),
                ("KEEP", "ec2-34-246-11-98.eu-west-1.compute.amazonaws.com"),
                ("API_KEY", "key-d298859d99df71bc6bc661df8b1ea3cf"),
            ],
        ),
        (
            "MSH|^~\\&|EPIC|STMARYS|||20261207101500||ADT^A04|MSG00441|P|2.5\nPID|1||MRN8812047||DUBOIS^MARIE-CLAIRE^A||19710322|F|||221 MAPLE AVE APT 6^^SYRACUSE^NY^13210||(315)446-2093\nNK1|1|DUBOIS^HENRI|SPO|||(315)446-7120",
            [
                ("KEEP", "EPIC"),
                ("KEEP", "STMARYS"),
                ("KEEP", "MSG00441"),
                ("KEEP", "MRN8812047"),
                ("PERSON", "DUBOIS^MARIE-CLAIRE^A"),
                ("DATE_OF_BIRTH", "19710322"),
                ("STREET_ADDRESS", "221 MAPLE AVE APT 6^^SYRACUSE^NY^13210"),
                ("PHONE", "(315)446-2093"),
                ("PERSON", "DUBOIS^HENRI"),
                ("PHONE", "(315)446-7120"),
            ],
        ),
        (
            'Date,Description,Amount,Balance\n2026-12-01,"FASTER PAYMENT TO O ADEBAYO REF RENT DEC",-950.00,2310.44\n2026-12-02,"CARD 5635 TESCO STORES 2291",-42.18,2268.26\n2026-12-03,"FROM MRS HOPE KINGSTON GB39IORW72399989381456 BIRTHDAY",50.00,2318.26',
            [
                ("PERSON", "O ADEBAYO"),
                ("KEEP", "RENT DEC"),
                ("KEEP", "TESCO STORES 2291"),
                ("PERSON", "HOPE KINGSTON"),
                ("IBAN", "GB39IORW72399989381456"),
                ("KEEP", "BIRTHDAY"),
            ],
        ),
        (
            '{"resourceType":"Patient","name":[{"family":"Ramírez Ochoa","given":["Ximena"]}],"birthDate":"2001-06-15","telecom":[{"system":"phone","value":"+52 55 4172 9930"}],"meta":{"versionId":"3"}}',
            [
                ("PERSON", "Ramírez Ochoa"),
                ("PERSON", "Ximena"),
                ("DATE_OF_BIRTH", "2001-06-15"),
                ("PHONE", "+52 55 4172 9930"),
            ],
        ),
        (
            '203.45.118.7 - hope.w [07/Dec/2026:10:14:22 +0000] "GET /account/settings?email=hope.wainwright%40gmail.com HTTP/2" 200 4471 "-" "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6)"',
            [
                ("IP_ADDRESS", "203.45.118.7"),
                ("USERNAME", "hope.w"),
                ("KEEP", "settings"),
                ("EMAIL", "hope.wainwright%40gmail.com"),
                ("KEEP", "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6)"),
            ],
        ),
        (
            "Dec  7 10:16:44 mail01 postfix/smtp[22871]: 4F2A11C0E3: to=<rosa.bianchi@libero.it>, relay=mx.libero.it[213.209.1.129]:25, status=sent (250 ok)",
            [
                ("KEEP", "mail01"),
                ("KEEP", "4F2A11C0E3"),
                ("EMAIL", "rosa.bianchi@libero.it"),
                ("KEEP", "mx.libero.it"),
            ],
        ),
        (
            "[ERROR] 2026-12-07 10:17:59 UserService.java:221 - Duplicate key: (email)=(j.kingdom@shaw.ca) for user Jordan Kingdom; phone=+1 604 873 2216",
            [
                ("KEEP", "UserService.java:221"),
                ("EMAIL", "j.kingdom@shaw.ca"),
                ("PERSON", "Jordan Kingdom"),
                ("PHONE", "+1 604 873 2216"),
            ],
        ),
        (
            'Summarize this support ticket in two sentences:\n"""\nFrom: Winston Osei-Bonsu <winston.ob@gmail.com>\nMy Kindle was stolen. Please deregister it. Serial G000 T60Y 4471 0A2B. My account PIN is 8841.\n"""',
            [
                ("PERSON", "Winston Osei-Bonsu"),
                ("EMAIL", "winston.ob@gmail.com"),
                ("KEEP", "Kindle"),
                ("KEEP", "G000 T60Y 4471 0A2B"),
                ("SECRET", "8841"),
            ],
        ),
        (
            'Translate to English: "Sehr geehrte Damen und Herren, mein Name ist Friedhelm Rautenberg, ich wohne in der Bergstraße 7a, 01069 Dresden, Kundennummer 4471-88, IBAN DE74 3853 4545 5839 1212 00."',
            [
                ("PERSON", "Friedhelm Rautenberg"),
                ("STREET_ADDRESS", "Bergstraße 7a, 01069 Dresden"),
                ("KEEP", "4471-88"),
                ("IBAN", "DE74 3853 4545 5839 1212 00"),
            ],
        ),
        (
            'Tool call result (get_customer): {"id": 88213, "full_name": "Sunita Raghavan-Pillai", "dob": "1977-12-02", "ssn_last4": "4240", "ssn": "817-74-4240", "notes": "prefers Hindi"}',
            [
                ("KEEP", "88213"),
                ("PERSON", "Sunita Raghavan-Pillai"),
                ("DATE_OF_BIRTH", "1977-12-02"),
                ("US_SSN", "817-74-4240"),
                ("KEEP", "Hindi"),
            ],
        ),
    ],
    "H-held": [
        (
            "caller: my number is oh seven nine one two four four eight three six one and the email is tomas dot kowalczyk at gmail dot com\nagent: perfect mister kowalczyk and your date of birth for security\ncaller: fourteenth of march nineteen eighty one",
            [
                ("PHONE", "oh seven nine one two four four eight three six one"),
                ("EMAIL", "tomas dot kowalczyk at gmail dot com"),
                ("PERSON", "kowalczyk"),
                ("DATE_OF_BIRTH", "fourteenth of march nineteen eighty one"),
            ],
        ),
        (
            "speaker 1 so who's coming to the denver offsite\nspeaker 2 me will and hope marchetti from legal and i think rose if her flight from phoenix lands in time\nspeaker 1 okay ill book three rooms at the hilton garden inn",
            [
                ("KEEP", "denver"),
                ("PERSON", "will"),
                ("PERSON", "hope marchetti"),
                ("PERSON", "rose"),
                ("KEEP", "phoenix"),
                ("KEEP", "hilton garden inn"),
            ],
        ),
        (
            "voicemail transcript (confidence 0.71): hi its bill from mark's plumbing uh ill be at eleven twenty three north hudson street apartment four b around two tomorrow call me at three one two five five five zero one nine four bye",
            [
                ("PERSON", "bill"),
                ("KEEP", "mark's plumbing"),
                ("STREET_ADDRESS", "eleven twenty three north hudson street apartment four b"),
                ("PHONE", "three one two five five five zero one nine four"),
            ],
        ),
        (
            "so ja hallo hier ist jürgen weißkopf aus augsburg meine kundennummer ist siebenhundert zwölf äh ich wohne lindenstraße zwölf a und die iban fängt mit DE an das sag ich lieber nicht am telefon",
            [
                ("PERSON", "jürgen weißkopf"),
                ("KEEP", "augsburg"),
                ("KEEP", "siebenhundert zwölf"),
                ("STREET_ADDRESS", "lindenstraße zwölf a"),
            ],
        ),
        (
            "transcript seg 14-16\ncust: the password i set was sunflower eighty eight exclamation mark or maybe with a capital s\nagt: ok i cant see passwords but ill send a reset to kayode.adebayo@outlook.com\ncust: thanks",
            [
                ("SECRET", "sunflower eighty eight exclamation mark"),
                ("EMAIL", "kayode.adebayo@outlook.com"),
            ],
        ),
        (
            "agent: can you spell the last name\ncaller: summer s u m m e r oyelaran-whitfield o y e l a r a n hyphen whitfield\nagent: and first name summer like the season\ncaller: yep and its about the summer saver bundle",
            [
                ("PERSON", "summer"),
                ("PERSON", "oyelaran-whitfield"),
                ("KEEP", "summer saver"),
            ],
        ),
        (
            "Scanned invoice (OCR)\nBill to: Mr. Ha-rold Pem-\nberton\nFlat 3, 27 Ca-\nvendish Square, London W1G 0PN\nInvoice no. INV-77l4   VAT reg GB 2l9 4471 03",
            [
                ("PERSON", "Ha-rold Pem-\nberton"),
                ("STREET_ADDRESS", "Flat 3, 27 Ca-\nvendish Square"),
                ("KEEP", "INV-77l4"),
                ("KEEP", "GB 2l9 4471 03"),
            ],
        ),
        (
            "KONT0AUSZUG  Seite 1\nKontoinhaber: Ursula Hämmerle-Bräuning\nGartenweg 7\n86150 Augsburg\nIBAN DE74 3853 4545 5839 1212 00   BIC GENODEF1AUB",
            [
                ("PERSON", "Ursula Hämmerle-Bräuning"),
                ("STREET_ADDRESS", "Gartenweg 7"),
                ("IBAN", "DE74 3853 4545 5839 1212 00"),
                ("KEEP", "GENODEF1AUB"),
            ],
        ),
        (
            "RESUME (ocr)\nNGUYEN THI MAI ANH\nmaianh.nguyen88@gmai1.com | +1 4O8 555 0172\nlinkedin.com/in/mai-anh-nguyen-4b2a71\nSkills: Python, Tableau, SAP S/4HANA",
            [
                ("PERSON", "NGUYEN THI MAI ANH"),
                ("EMAIL", "maianh.nguyen88@gmai1.com"),
                ("PHONE", "+1 4O8 555 0172"),
                ("URL", "linkedin.com/in/mai-anh-nguyen-4b2a71"),
                ("KEEP", "Python"),
                ("KEEP", "Tableau"),
                ("KEEP", "SAP S/4HANA"),
            ],
        ),
        (
            "Receipt OCR: TESCO EXTRA KENNINGTON\nVISA ************7096\nCARDHOLDER J MOHAMMED\nAUTH O45217 TID 2214O9\nClubcard 6340 0012 4471 2291",
            [
                ("KEEP", "TESCO EXTRA"),
                ("KEEP", "KENNINGTON"),
                ("KEEP", "7096"),
                ("PERSON", "J MOHAMMED"),
                ("KEEP", "O45217"),
                ("KEEP", "2214O9"),
                ("KEEP", "6340 0012 4471 2291"),
            ],
        ),
        (
            "Page 2 of 2 — OCR\nAccount holder MRS P. A. GOLDSMITH\nSort code 2O-44-91  Acc 3O118742\nIBAN: GB51NWBK80772243014528\nStatement period 01 Nov - 30 Nov 2026",
            [
                ("PERSON", "P. A. GOLDSMITH"),
                ("IBAN", "GB51NWBK80772243014528"),
                ("KEEP", "01 Nov - 30 Nov 2026"),
            ],
        ),
        (
            "> > From: Marco Bellandi [mailto:m.bellandi@studiobellandi.it]\n> > Inviato: lunedì 30 novembre 2026 09:14\n> > Oggetto: fattura FT-2026/0881\n> > Buongiorno, il mio cellulare è +39 347 882 1940 se serve.\n> Grazie Marco, giro a Chiara.\nChiara, puoi richiamarlo tu?",
            [
                ("PERSON", "Marco Bellandi"),
                ("EMAIL", "m.bellandi@studiobellandi.it"),
                ("KEEP", "FT-2026/0881"),
                ("PHONE", "+39 347 882 1940"),
                ("PERSON", "Marco"),
                ("PERSON", "Chiara"),
            ],
        ),
        (
            "Le 2 déc. 2026 à 11:05, Sandrine Lefebvre-Okoye <s.lefebvre.okoye@orange.fr> a écrit :\n> Voici mon nouveau RIB : FR53 4052 0637 67DC 8HQV QESL A05\n> Adresse de facturation : Résidence Les Tilleuls, Bât. C, 4 allée Jean Moulin, 33600 Pessac\nBien reçu, merci. — compta Groupe Aquitaine Distribution",
            [
                ("PERSON", "Sandrine Lefebvre-Okoye"),
                ("EMAIL", "s.lefebvre.okoye@orange.fr"),
                ("IBAN", "FR53 4052 0637 67DC 8HQV QESL A05"),
                (
                    "STREET_ADDRESS",
                    "Résidence Les Tilleuls, Bât. C, 4 allée Jean Moulin, 33600 Pessac",
                ),
                ("KEEP", "Groupe Aquitaine Distribution"),
            ],
        ),
        (
            'From: "Faith Adeyemi-Brown" <faith.ab@icloud.com>\nTo: bookings@thecopperkettle.co.uk\nSubject: table for 6 on the 19th\n\nHi, booking under Faith, mobile 07700 914 386. One guest Mark is coeliac.\nSent from my iPhone',
            [
                ("PERSON", "Faith Adeyemi-Brown"),
                ("EMAIL", "faith.ab@icloud.com"),
                ("KEEP", "19th"),
                ("PERSON", "Faith"),
                ("PHONE", "07700 914 386"),
                ("PERSON", "Mark"),
            ],
        ),
        (
            "wrote:\n> > > Priyanka Raghunathan | Senior PM | Zephyr Analytics\n> > > +91 98450 12377 | calendly.com/priyanka-raghunathan/30min\n> > > No. 48, 3rd Cross, 6th Main, Indiranagar, Bengaluru 560038",
            [
                ("PERSON", "Priyanka Raghunathan"),
                ("KEEP", "Zephyr Analytics"),
                ("PHONE", "+91 98450 12377"),
                ("URL", "calendly.com/priyanka-raghunathan/30min"),
                ("STREET_ADDRESS", "No. 48, 3rd Cross, 6th Main, Indiranagar, Bengaluru 560038"),
            ],
        ),
        (
            "Op wo 2 dec 2026 om 14:02 schreef Joost Verhoeven <joost@verhoeven-bouw.nl>:\n> Factuur mag naar Kerkstraat 112-III, 1017 GP Amsterdam\n> Rekening NL64 RABO 7638 6299 81 t.n.v. J.W. Verhoeven",
            [
                ("PERSON", "Joost Verhoeven"),
                ("EMAIL", "joost@verhoeven-bouw.nl"),
                ("STREET_ADDRESS", "Kerkstraat 112-III, 1017 GP Amsterdam"),
                ("IBAN", "NL64 RABO 7638 6299 81"),
                ("PERSON", "J.W. Verhoeven"),
            ],
        ),
        (
            "BEGIN:VEVENT\nSUMMARY:Physio - Angela Whitlock\nDESCRIPTION:Patient DOB 1962-08-30\\nCall +44 7911 204 553 if late\\nBring referral NHS-REF-88310\nLOCATION:Unit 4\\, Meadowbank Business Park\\, Old Shoreham Road\\, Hove BN3 7EX\nDTSTART;TZID=Europe/London:20261214T093000\nEND:VEVENT",
            [
                ("PERSON", "Angela Whitlock"),
                ("DATE_OF_BIRTH", "1962-08-30"),
                ("PHONE", "+44 7911 204 553"),
                ("KEEP", "NHS-REF-88310"),
                (
                    "STREET_ADDRESS",
                    "Unit 4\\, Meadowbank Business Park\\, Old Shoreham Road\\, Hove BN3 7EX",
                ),
            ],
        ),
        (
            "BEGIN:VEVENT\nSUMMARY:Besichtigung Wohnung Familie Özdemir\nLOCATION:Hauptstr. 57\\, 3. OG links\\, 69117 Heidelberg\nDESCRIPTION:Schlüssel bei Nachbarin Frau Kowalski (EG)\\, Tel. 06221 4418 207\nDTSTART:20261211T170000\nEND:VEVENT",
            [
                ("PERSON", "Özdemir"),
                ("STREET_ADDRESS", "Hauptstr. 57\\, 3. OG links\\, 69117 Heidelberg"),
                ("PERSON", "Kowalski"),
                ("PHONE", "06221 4418 207"),
            ],
        ),
        (
            "BEGIN:VEVENT\nDTSTART;VALUE=DATE:20261224\nSUMMARY:🎂 Ma Xiaoling's birthday\nRRULE:FREQ=YEARLY\nDESCRIPTION:born 1988-12-24 – gift idea: Kindle Paperwhite\nEND:VEVENT",
            [
                ("KEEP", "20261224"),
                ("PERSON", "Ma Xiaoling"),
                ("DATE_OF_BIRTH", "1988-12-24"),
                ("KEEP", "Kindle Paperwhite"),
            ],
        ),
        (
            "BEGIN:VCARD\nVERSION:4.0\nFN:Rahul Deshpande\nTEL;VALUE=uri;TYPE=cell:tel:+91-22-2660-4418\nBDAY:19850917\nADR:;Flat 1203, 12th Floor, Kalpataru Towers;Andheri East;Mumbai;MH;400069;India\nURL:https://github.com/rdeshpande85\nNOTE:met at PyCon India 2025\nEND:VCARD",
            [
                ("PERSON", "Rahul Deshpande"),
                ("PHONE", "+91-22-2660-4418"),
                ("DATE_OF_BIRTH", "19850917"),
                ("STREET_ADDRESS", "Flat 1203, 12th Floor, Kalpataru Towers"),
                ("URL", "https://github.com/rdeshpande85"),
                ("KEEP", "PyCon India 2025"),
            ],
        ),
        (
            "BEGIN:VCARD\nVERSION:2.1\nN;CHARSET=UTF-8:王;秀英\nFN;CHARSET=UTF-8:王秀英\nX-PHONETIC-FIRST-NAME:Xiuying\nTEL;CELL:+86 139 1022 4857\nEMAIL;INTERNET:wangxiuying@163.com\nEND:VCARD",
            [
                ("PERSON", "王"),
                ("PERSON", "秀英"),
                ("PERSON", "王秀英"),
                ("PERSON", "Xiuying"),
                ("PHONE", "+86 139 1022 4857"),
                ("EMAIL", "wangxiuying@163.com"),
            ],
        ),
        (
            "contact card shared in chat:\n👤 Kwame Mensah-Bonsu\n📱 +1 (404) 555-0133\n🏠 PO Box 2291, Decatur, GA 30031\n📧 kwame.mb@yahoo.com\n🏢 Peachtree Credit Union (work)",
            [
                ("PERSON", "Kwame Mensah-Bonsu"),
                ("PHONE", "+1 (404) 555-0133"),
                ("STREET_ADDRESS", "PO Box 2291, Decatur, GA 30031"),
                ("EMAIL", "kwame.mb@yahoo.com"),
                ("KEEP", "Peachtree Credit Union"),
            ],
        ),
        (
            "$ git log --format='%h %an <%ae> %s' -3\nc013aad Bill Okonkwo <bill.okonkwo@hey.com> Merge pull request #4471 from bokonkwo/feature/grant-flow\n451fa4a Sun-hee Park <sunhee.park@kakao.com> Bump lodash to 4.17.21\n46ad5b8 dependabot[bot] <49699333+dependabot[bot]@users.noreply.github.com> chore(deps)",
            [
                ("KEEP", "c013aad"),
                ("PERSON", "Bill Okonkwo"),
                ("EMAIL", "bill.okonkwo@hey.com"),
                ("KEEP", "#4471"),
                ("USERNAME", "bokonkwo"),
                ("KEEP", "feature/grant-flow"),
                ("KEEP", "451fa4a"),
                ("PERSON", "Sun-hee Park"),
                ("EMAIL", "sunhee.park@kakao.com"),
                ("KEEP", "lodash"),
                ("KEEP", "4.17.21"),
                ("KEEP", "46ad5b8"),
            ],
        ),
        (
            "commit fa23c91b568baa88abfd97920b5d52b09cfaeb22\nAuthor: root <root@build-07.internal>\n    WIP do not push\n    DATABASE_URL=postgres://app_rw:pg-Wq83nHv2xK@db-primary.internal:5432/orders",
            [
                ("KEEP", "fa23c91b568baa88abfd97920b5d52b09cfaeb22"),
                ("KEEP", "build-07.internal"),
                ("USERNAME", "app_rw"),
                ("SECRET", "pg-Wq83nHv2xK"),
                ("KEEP", "db-primary.internal"),
            ],
        ),
        (
            'Merge: 57d622c4 33fc2d09\nAuthor: Grant Young <gyoung@orchard-ventures.com>\n    Revert "Add Stripe key for Summer launch"\n    This reverts commit aad3664e1470. The key sk_live_ApxxTN5gH8eR2OD1UQV8GIzH is revoked.',
            [
                ("KEEP", "57d622c4"),
                ("KEEP", "33fc2d09"),
                ("PERSON", "Grant Young"),
                ("EMAIL", "gyoung@orchard-ventures.com"),
                ("KEEP", "Stripe"),
                ("KEEP", "Summer"),
                ("KEEP", "aad3664e1470"),
                ("API_KEY", "sk_live_ApxxTN5gH8eR2OD1UQV8GIzH"),
            ],
        ),
        (
            ".mailmap\nWu Jing <jing.wu@pingcap-partners.cn> <wj1991@qq.com>\nRuth Abramowitz <ruth@abramowitz.dev> ruthie <ruthie.a@gmail.com>",
            [
                ("PERSON", "Wu Jing"),
                ("EMAIL", "jing.wu@pingcap-partners.cn"),
                ("EMAIL", "wj1991@qq.com"),
                ("PERSON", "Ruth Abramowitz"),
                ("EMAIL", "ruth@abramowitz.dev"),
                ("PERSON", "ruthie"),
                ("EMAIL", "ruthie.a@gmail.com"),
            ],
        ),
        (
            '[project]\nname = "rosebud-etl"\nversion = "0.9.2"\nauthors = [\n  { name = "Farah Siddiqui", email = "farah.siddiqui@protonmail.com" },\n  { name = "Will Hartley", email = "will.hartley@sheffield-alumni.ac.uk" },\n]\ndependencies = ["pandas>=2.2", "boto3"]',
            [
                ("KEEP", "rosebud-etl"),
                ("KEEP", "0.9.2"),
                ("PERSON", "Farah Siddiqui"),
                ("EMAIL", "farah.siddiqui@protonmail.com"),
                ("PERSON", "Will Hartley"),
                ("EMAIL", "will.hartley@sheffield-alumni.ac.uk"),
                ("KEEP", "pandas>=2.2"),
                ("KEEP", "boto3"),
            ],
        ),
        (
            "Package: libfaith-utils\nVersion: 2.1.0-3ubuntu1\nMaintainer: Émile Tremblay-Gagnon <emile.tg@videotron.ca>\nUploaders: Nomvula Khumalo <nkhumalo@debian.org>\nHomepage: https://salsa.debian.org/libfaith-utils",
            [
                ("KEEP", "libfaith-utils"),
                ("KEEP", "2.1.0-3ubuntu1"),
                ("PERSON", "Émile Tremblay-Gagnon"),
                ("EMAIL", "emile.tg@videotron.ca"),
                ("PERSON", "Nomvula Khumalo"),
                ("EMAIL", "nkhumalo@debian.org"),
                ("KEEP", "https://salsa.debian.org/libfaith-utils"),
            ],
        ),
        (
            "<project>\n  <groupId>com.blackwood.payments</groupId>\n  <developers>\n    <developer><name>Nikolai Petrov</name><email>npetrov@mail.ru</email></developer>\n  </developers>\n  <properties><sonar.login>squ_7e41b09c2fd35a8861e0c4b7a92d13f58e06ab4c</sonar.login></properties>\n</project>",
            [
                ("KEEP", "com.blackwood.payments"),
                ("PERSON", "Nikolai Petrov"),
                ("EMAIL", "npetrov@mail.ru"),
                ("API_KEY", "squ_7e41b09c2fd35a8861e0c4b7a92d13f58e06ab4c"),
            ],
        ),
        (
            "//registry.npmjs.org/:_authToken=npm_KzLtZH0MMOcePQutp7czyZtQlYEsNWKKizeH\n# maintainer: Deepika Balasubramanian +91 94440 23815\nregistry=https://registry.npmjs.org/",
            [
                ("API_KEY", "npm_KzLtZH0MMOcePQutp7czyZtQlYEsNWKKizeH"),
                ("PERSON", "Deepika Balasubramanian"),
                ("PHONE", "+91 94440 23815"),
                ("KEEP", "https://registry.npmjs.org/"),
            ],
        ),
        (
            "PROJ-2231 | Priority: Blocker | Assignee: Bill Castellanos\nCustomer Rosa María Quispe Huamán can't pay; card 5163 4928 7109 5635 declined with 05.\nHer billing address per Stripe: 2715 Mission St Apt 3, San Francisco, CA 94110\nReproduced on iOS 18.2 build 4471.",
            [
                ("KEEP", "Blocker"),
                ("PERSON", "Bill Castellanos"),
                ("PERSON", "Rosa María Quispe Huamán"),
                ("CREDIT_CARD", "5163 4928 7109 5635"),
                ("KEEP", "Stripe"),
                ("STREET_ADDRESS", "2715 Mission St Apt 3, San Francisco, CA 94110"),
                ("KEEP", "iOS 18.2"),
                ("KEEP", "4471"),
            ],
        ),
        (
            "> **Note**\n> Originally reported by Keisha Montgomery via support (ZD#991204). Her shop URL is https://keishas-kitchen.myshopify.com/admin and the staff login she gave us was keisha.m / Gumbo2026!! — please do not reuse, ask her to reset.",
            [
                ("PERSON", "Keisha Montgomery"),
                ("KEEP", "ZD#991204"),
                ("URL", "https://keishas-kitchen.myshopify.com/admin"),
                ("USERNAME", "keisha.m"),
                ("SECRET", "Gumbo2026!!"),
            ],
        ),
        (
            "Hi team 👋 — Ayodele here from the Lagos office. The Paystack webhook secret got logged in plain text in sentry event bfb9c919-0244-3d0b-69d9-ebdec94557e3: `whsec_N3e6BSuA7bR5ST8g9V6Wj4pfFZc39KkY`. Can someone scrub it? My number if urgent: +234 803 441 9027",
            [
                ("PERSON", "Ayodele"),
                ("KEEP", "Lagos"),
                ("KEEP", "Paystack"),
                ("KEEP", "sentry"),
                ("KEEP", "bfb9c919-0244-3d0b-69d9-ebdec94557e3"),
                ("SECRET", "whsec_N3e6BSuA7bR5ST8g9V6Wj4pfFZc39KkY"),
                ("PHONE", "+234 803 441 9027"),
            ],
        ),
        (
            "Epic: Hunter onboarding revamp\nStakeholders: Hunter Blackwell (PM), Faith Okafor (Design), Young-jae Cho (Eng)\nLaunch target 2027-01-15. Guidelines: https://m3.material.io/components",
            [
                ("KEEP", "Hunter onboarding revamp"),
                ("PERSON", "Hunter Blackwell"),
                ("PERSON", "Faith Okafor"),
                ("PERSON", "Young-jae Cho"),
                ("KEEP", "2027-01-15"),
                ("KEEP", "https://m3.material.io/components"),
            ],
        ),
        (
            '// HACK: hardcoded until vault is back — Tomás 2026-11-03\nconst SENDGRID_KEY = "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";\nconst FROM = "tomas.rivera@quetzal.mx";\nconst PLACEHOLDER = "SG.your-sendgrid-key-here";',
            [
                ("PERSON", "Tomás"),
                (
                    "API_KEY",
                    "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",
                ),
                ("EMAIL", "tomas.rivera@quetzal.mx"),
                ("KEEP", "SG.your-sendgrid-key-here"),
            ],
        ),
        (
            '# fixtures for local testing only!!!\nTEST_USER = {"name": "Harriet Blackburn", "ssn": "249-14-4899", "dob": "1979-05-02"}\n# ^ this is my mum\'s real data, replace before merge - jblackburn\nDUMMY = {"name": "Jane Doe", "ssn": "000-00-0000"}',
            [
                ("PERSON", "Harriet Blackburn"),
                ("US_SSN", "249-14-4899"),
                ("DATE_OF_BIRTH", "1979-05-02"),
                ("USERNAME", "jblackburn"),
                ("KEEP", "Jane Doe"),
                ("KEEP", "000-00-0000"),
            ],
        ),
        (
            "-- migration 0047: backfill customer_tier\n-- run by Ngũgĩ Kamau on 2026-12-01, approved by Summer Tan\nUPDATE customers SET tier = 'gold' WHERE email = 'summer.tan.sg@gmail.com'; -- her own acct, for testing",
            [
                ("KEEP", "customer_tier"),
                ("PERSON", "Ngũgĩ Kamau"),
                ("PERSON", "Summer Tan"),
                ("EMAIL", "summer.tan.sg@gmail.com"),
            ],
        ),
        (
            "#!/bin/bash\n# backup.sh — maintained by Olumide Bankole (+44 7458 220 913)\nexport RESTIC_PASSWORD='correct-horse-battery-7731'\nexport AWS_ACCESS_KEY_ID=AKIA6OML4BE5U3LN3R5R\nexport AWS_SECRET_ACCESS_KEY=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\nrestic -r s3:s3.amazonaws.com/olu-backups backup /home",
            [
                ("PERSON", "Olumide Bankole"),
                ("PHONE", "+44 7458 220 913"),
                ("SECRET", "correct-horse-battery-7731"),
                ("API_KEY", "AKIA6OML4BE5U3LN3R5R"),
                ("SECRET", "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"),
                ("KEEP", "olu-backups"),
            ],
        ),
        (
            "    // Known issue reported by Hyun-woo Lim: when Rose (the chatbot persona) greets Will (the smart-home hub) it loops.\n    // Repro account: hwlim@naver.com pw Seoul!2580",
            [
                ("PERSON", "Hyun-woo Lim"),
                ("KEEP", "Rose"),
                ("KEEP", "Will"),
                ("EMAIL", "hwlim@naver.com"),
                ("SECRET", "Seoul!2580"),
            ],
        ),
        (
            'variable "alert_email" {\n  default = "oncall.rohan.mehta@gmail.com"\n}\nprovider "cloudflare" {\n  api_token = "Ww8q-3kLpZrT0vY5nB2xC7mH1jD4fG6sA9eR0uI2"\n}\n# docs: https://registry.terraform.io/providers/cloudflare/cloudflare/latest/docs',
            [
                ("EMAIL", "oncall.rohan.mehta@gmail.com"),
                ("API_KEY", "Ww8q-3kLpZrT0vY5nB2xC7mH1jD4fG6sA9eR0uI2"),
                (
                    "KEEP",
                    "https://registry.terraform.io/providers/cloudflare/cloudflare/latest/docs",
                ),
            ],
        ),
        (
            "# values.yaml for release summer-sale\ningress:\n  host: shop.summersale.example.com\nsmtp:\n  user: noreply.bryony.king@gmail.com\n  password: bK7$hf22Lq!v\nslack:\n  webhook: https://hooks.slack.com/services/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",
            [
                ("KEEP", "summer-sale"),
                ("KEEP", "shop.summersale.example.com"),
                ("EMAIL", "noreply.bryony.king@gmail.com"),
                ("SECRET", "bK7$hf22Lq!v"),
                (
                    "URL",
                    "https://hooks.slack.com/services/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",
                ),
            ],
        ),
        (
            '# terraform.tfvars\nadmin_cidr   = "81.144.209.37/32"   # Nadia\'s home IP\ngithub_token = "ghp_ERx8ol2HV31qOc0WuNWG2VJpjR8hzyAbg609"\nregion       = "eu-west-2"',
            [
                ("IP_ADDRESS", "81.144.209.37"),
                ("PERSON", "Nadia"),
                ("API_KEY", "ghp_ERx8ol2HV31qOc0WuNWG2VJpjR8hzyAbg609"),
                ("KEEP", "eu-west-2"),
            ],
        ),
        (
            "# helm install --set\nhelm upgrade --install rabbit bitnami/rabbitmq \\\n  --set auth.username=kofi.asante \\\n  --set auth.password=Accra@Night2026 \\\n  --set auth.erlangCookie=Yk3vQm8RtP2wXz7L",
            [
                ("KEEP", "rabbit"),
                ("USERNAME", "kofi.asante"),
                ("SECRET", "Accra@Night2026"),
                ("SECRET", "Yk3vQm8RtP2wXz7L"),
            ],
        ),
        (
            '[Service]\nEnvironment="ANTHROPIC_API_KEY=sk-ant-api03-ke0kkbJi7aA7sIhkrZLETgBMM5QHRSxzDAuJJX91P95jba2e-Z96QRAC95YWxy16geAznjMmMms-XzabcvIOe3JAI8N4VAA"\nEnvironment="OPERATOR_CONTACT=Ivana Horvat +385 91 553 2048"\nExecStart=/opt/summarizer/bin/run',
            [
                (
                    "API_KEY",
                    "sk-ant-api03-ke0kkbJi7aA7sIhkrZLETgBMM5QHRSxzDAuJJX91P95jba2e-Z96QRAC95YWxy16geAznjMmMms-XzabcvIOe3JAI8N4VAA",
                ),
                ("PERSON", "Ivana Horvat"),
                ("PHONE", "+385 91 553 2048"),
                ("KEEP", "summarizer"),
            ],
        ),
        (
            'nom_complet,tel_portable,courriel,ville_naissance\n"DIALLO Mamadou Saliou",06 51 22 87 40,msdiallo@laposte.net,Conakry\n"PERRIN Agathe",07 83 10 44 29,agathe.perrin@free.fr,Nantes',
            [
                ("PERSON", "DIALLO Mamadou Saliou"),
                ("PHONE", "06 51 22 87 40"),
                ("EMAIL", "msdiallo@laposte.net"),
                ("PERSON", "PERRIN Agathe"),
                ("PHONE", "07 83 10 44 29"),
                ("EMAIL", "agathe.perrin@free.fr"),
            ],
        ),
        (
            '"Who","Reach at","Where they live","Plan"\n"Will Ferreira","(415) 823-6617","1458 Grove St, Berkeley, CA 94709","Premium Family"\n"Bill & Rose Tanaka","(510) 292-4038","77 Rural Route 2, Box 14, Ukiah, CA 95482","Basic"',
            [
                ("PERSON", "Will Ferreira"),
                ("PHONE", "(415) 823-6617"),
                ("STREET_ADDRESS", "1458 Grove St, Berkeley, CA 94709"),
                ("KEEP", "Premium Family"),
                ("PERSON", "Bill & Rose Tanaka"),
                ("PHONE", "(510) 292-4038"),
                ("STREET_ADDRESS", "77 Rural Route 2, Box 14, Ukiah, CA 95482"),
                ("KEEP", "Basic"),
            ],
        ),
        (
            "achternaam\ttussenvoegsel\tvoornaam\tpostadres\tmobiel\nBerg\tvan den\tSanne\tPostbus 1187, 3500 BD Utrecht\t06-41829937\nDijk\tvan\tMohamed\tLange Nieuwstraat 44 bis, 3512 PK Utrecht\t06-18840273",
            [
                ("PERSON", "Berg"),
                ("PERSON", "Sanne"),
                ("STREET_ADDRESS", "Postbus 1187, 3500 BD Utrecht"),
                ("PHONE", "06-41829937"),
                ("PERSON", "Dijk"),
                ("PERSON", "Mohamed"),
                ("STREET_ADDRESS", "Lange Nieuwstraat 44 bis, 3512 PK Utrecht"),
                ("PHONE", "06-18840273"),
            ],
        ),
        (
            "emp_no,display_nm,mgr_nm,home_ip,badge\nE1047,hunter.g,J. Faith,98.203.17.144,HQ-3F\nE1048,young.k,J. Faith,2a02:c7c:5e41:7d00:9f3:21ab:4c1e:88f0,HQ-3F",
            [
                ("KEEP", "E1047"),
                ("USERNAME", "hunter.g"),
                ("PERSON", "J. Faith"),
                ("IP_ADDRESS", "98.203.17.144"),
                ("KEEP", "HQ-3F"),
                ("KEEP", "E1048"),
                ("USERNAME", "young.k"),
                ("IP_ADDRESS", "2a02:c7c:5e41:7d00:9f3:21ab:4c1e:88f0"),
            ],
        ),
        (
            'पूरा_नाम,मोबाइल,पता\nअनिता शर्मा,+91 98290 44718,"मकान नं. 14, गली नं. 3, शास्त्री नगर, जयपुर 302016"\nRajesh Kumar Yadav,+91 70112 93864,"H.No. 2-3-119/4, Amberpet, Hyderabad 500013"',
            [
                ("PERSON", "अनिता शर्मा"),
                ("PHONE", "+91 98290 44718"),
                ("STREET_ADDRESS", "मकान नं. 14, गली नं. 3, शास्त्री नगर, जयपुर 302016"),
                ("PERSON", "Rajesh Kumar Yadav"),
                ("PHONE", "+91 70112 93864"),
                ("STREET_ADDRESS", "H.No. 2-3-119/4, Amberpet, Hyderabad 500013"),
            ],
        ),
        (
            "Hi {{first_name}} → Hi Precious,\nYour {{plan}} → Starter trial ends on {{end_date}} → 14 December 2026.\nLog in at {{magic_link}} → https://app.fernleaf.io/login/magic?t=eyJ1aWQiOjQ0MTJ9.Zx81kQm0pLr",
            [
                ("PERSON", "Precious"),
                ("KEEP", "Starter"),
                ("KEEP", "14 December 2026"),
                ("URL", "https://app.fernleaf.io/login/magic?t=eyJ1aWQiOjQ0MTJ9.Zx81kQm0pLr"),
            ],
        ),
        (
            "Estimado/a Sr. Joy Villanueva:\nLe recordamos que su cita en Clínica Dental Sonrisa es el lunes 14 a las 10:00.\nSi necesita cambiarla, llame al 91 555 20 40 o responda a este correo (joy.villanueva83@hotmail.es).",
            [
                ("PERSON", "Joy Villanueva"),
                ("KEEP", "Clínica Dental Sonrisa"),
                ("KEEP", "lunes 14"),
                ("EMAIL", "joy.villanueva83@hotmail.es"),
            ],
        ),
        (
            "Caro Sig. Summer Baldini,\nla sua password temporanea per l'area clienti MyEnel è Tmp-7782-qfRz (valida 24 ore).\nUsername: summer.baldini79",
            [
                ("PERSON", "Summer Baldini"),
                ("KEEP", "MyEnel"),
                ("SECRET", "Tmp-7782-qfRz"),
                ("USERNAME", "summer.baldini79"),
            ],
        ),
        (
            "Dear King Mwangi — (yes, King is his first name, per CRM)\nCongratulations on your King Size Bed purchase, order KS-88120. Delivery to Apartment 5C, 210 Riverside Drive, New York, NY 10025.",
            [
                ("PERSON", "King Mwangi"),
                ("PERSON", "King"),
                ("KEEP", "King Size Bed"),
                ("KEEP", "KS-88120"),
                ("STREET_ADDRESS", "Apartment 5C, 210 Riverside Drive, New York, NY 10025"),
            ],
        ),
        (
            "CONTRATO DE ARRENDAMIENTO\nDe una parte, D. Francisco Javier Moreno Ruiz, mayor de edad, con domicilio en Calle de Alcalá, 211, 5º dcha., 28028 Madrid,\ny de otra, Dña. Esperanza Gil Valdés, con domicilio en Apartado de Correos 402, 03080 Alicante.\nLa renta se abonará en la cuenta ES22 0566 2560 7583 3025 7460.",
            [
                ("PERSON", "Francisco Javier Moreno Ruiz"),
                ("STREET_ADDRESS", "Calle de Alcalá, 211, 5º dcha., 28028 Madrid"),
                ("PERSON", "Esperanza Gil Valdés"),
                ("STREET_ADDRESS", "Apartado de Correos 402, 03080 Alicante"),
                ("IBAN", "ES22 0566 2560 7583 3025 7460"),
            ],
        ),
        (
            'SALE DEED\nThis deed of sale is executed at Pune on this 3rd day of December 2026 by Shri Vinayak Gopal Kulkarni, S/o Late Gopal Ramchandra Kulkarni, aged 61, residing at Flat No. B-402, 4th Floor, Sai Krupa Apartments, Karve Nagar, Pune 411052 (hereinafter "the Vendor")',
            [
                ("KEEP", "Pune"),
                ("KEEP", "3rd day of December 2026"),
                ("PERSON", "Vinayak Gopal Kulkarni"),
                ("PERSON", "Gopal Ramchandra Kulkarni"),
                (
                    "STREET_ADDRESS",
                    "Flat No. B-402, 4th Floor, Sai Krupa Apartments, Karve Nagar, Pune 411052",
                ),
            ],
        ),
        (
            'PROMISSORY NOTE\nFor value received, Hunter R. Kingsley ("Borrower"), RR 3 Box 118, Ellsworth, ME 04605, promises to pay to Faith Montague ("Lender") the sum of $12,500.\nBorrower SSN: 260-42-3984   Governing law: State of Maine',
            [
                ("PERSON", "Hunter R. Kingsley"),
                ("STREET_ADDRESS", "RR 3 Box 118, Ellsworth, ME 04605"),
                ("PERSON", "Faith Montague"),
                ("KEEP", "$12,500"),
                ("US_SSN", "260-42-3984"),
                ("KEEP", "State of Maine"),
            ],
        ),
        (
            "CONTRATO DE LOCAÇÃO RESIDENCIAL\nLOCADOR: Antônio Carlos de Souza Lima, brasileiro, casado, residente na SQN 308 Bloco C, apto 204, Asa Norte, Brasília - DF, 70747-030.\nLOCATÁRIA: Mariana Hope Carvalho, e-mail mariana.hope.c@uol.com.br, telefone +55 61 99120-4383.",
            [
                ("PERSON", "Antônio Carlos de Souza Lima"),
                (
                    "STREET_ADDRESS",
                    "SQN 308 Bloco C, apto 204, Asa Norte, Brasília - DF, 70747-030",
                ),
                ("PERSON", "Mariana Hope Carvalho"),
                ("EMAIL", "mariana.hope.c@uol.com.br"),
                ("PHONE", "+55 61 99120-4383"),
            ],
        ),
        (
            "Überweisung an: Orthopädie, Dr. med. Raik Böttcher\nPatient: Mustermann? nein — Kowalczyk, Halina, geb. 17.08.1961, AOK Bayern\nDiagnose: M17.1 Gonarthrose re.\nRückruf Tochter Agnieszka 0151 22 80 91 37",
            [
                ("PERSON", "Raik Böttcher"),
                ("KEEP", "Mustermann"),
                ("PERSON", "Kowalczyk, Halina"),
                ("DATE_OF_BIRTH", "17.08.1961"),
                ("KEEP", "AOK Bayern"),
                ("KEEP", "M17.1"),
                ("PERSON", "Agnieszka"),
                ("PHONE", "0151 22 80 91 37"),
            ],
        ),
        (
            "Paciente: Joaquín Ybarra Solís  Edad: 67  F. nac.: 21/03/1959\nDerivado a: Neumología, Hospital Universitario La Paz\nMotivo: EPOC reagudizado. Contacto: hija Marisol, +34 655 301 928",
            [
                ("PERSON", "Joaquín Ybarra Solís"),
                ("DATE_OF_BIRTH", "21/03/1959"),
                ("KEEP", "Neumología"),
                ("KEEP", "Hospital Universitario La Paz"),
                ("KEEP", "EPOC"),
                ("PERSON", "Marisol"),
                ("PHONE", "+34 655 301 928"),
            ],
        ),
        (
            "रेफरल: श्रीमती सुनीता देवी, आयु 58, AIIMS नई दिल्ली\nमरीज़ का फ़ोन: 98110 47732\nपता: गाँव रामपुर, पोस्ट बिलासपुर, जिला रामपुर, उ.प्र. 244921",
            [
                ("PERSON", "सुनीता देवी"),
                ("KEEP", "AIIMS"),
                ("PHONE", "98110 47732"),
                ("STREET_ADDRESS", "गाँव रामपुर, पोस्ट बिलासपुर, जिला रामपुर, उ.प्र. 244921"),
            ],
        ),
        (
            "ENCAMINHAMENTO\nPaciente: Maria das Graças Pereira, nasc. 08/05/1949\nCartão SUS 898 0012 4471 2290\nEndereço: Rua Sete de Setembro, 45, fundos, Centro, Ouro Preto - MG\nEncaminho à Cardiologia por ICC classe funcional III.",
            [
                ("PERSON", "Maria das Graças Pereira"),
                ("DATE_OF_BIRTH", "08/05/1949"),
                ("STREET_ADDRESS", "Rua Sete de Setembro, 45, fundos, Centro, Ouro Preto - MG"),
                ("KEEP", "Cardiologia"),
                ("KEEP", "ICC"),
            ],
        ),
        (
            "Zeugnis — Gesamtschule Köln-Mülheim, Klasse 8b\nSchülerin: Mia-Sophie Krause, geboren am 05.04.2012\nKlassenlehrer: Herr Wolf\nBemerkung: Mia-Sophie zeigt große Fortschritte in Mathematik.",
            [
                ("KEEP", "Gesamtschule Köln-Mülheim"),
                ("KEEP", "8b"),
                ("PERSON", "Mia-Sophie Krause"),
                ("DATE_OF_BIRTH", "05.04.2012"),
                ("PERSON", "Wolf"),
                ("PERSON", "Mia-Sophie"),
                ("KEEP", "Mathematik"),
            ],
        ),
        (
            "Fiche d'inscription — École primaire Jules Ferry\nEnfant : LEROY Noah, né le 18/10/2019 à Lille\nResponsable légal 1 : Julie Leroy, 06 87 44 21 09\nResponsable légal 2 : Karim Haddad, 07 61 33 90 18\nAdresse : Résidence du Parc, appt 31, 2e étage, 5 rue Nationale, 59800 Lille",
            [
                ("KEEP", "École primaire Jules Ferry"),
                ("PERSON", "LEROY Noah"),
                ("DATE_OF_BIRTH", "18/10/2019"),
                ("PERSON", "Julie Leroy"),
                ("PHONE", "06 87 44 21 09"),
                ("PERSON", "Karim Haddad"),
                ("PHONE", "07 61 33 90 18"),
                (
                    "STREET_ADDRESS",
                    "Résidence du Parc, appt 31, 2e étage, 5 rue Nationale, 59800 Lille",
                ),
            ],
        ),
        (
            "Boletín — Colegio San Ignacio — 2º ESO\nAlumna: Paloma Herrero Castillo · nacida el 30/06/2012\nTutora: Dª Remedios Aguilar\nObservaciones: faltas justificadas (gripe). Contacto madre: 622 18 47 03",
            [
                ("KEEP", "Colegio San Ignacio"),
                ("PERSON", "Paloma Herrero Castillo"),
                ("DATE_OF_BIRTH", "30/06/2012"),
                ("PERSON", "Remedios Aguilar"),
                ("KEEP", "gripe"),
                ("PHONE", "622 18 47 03"),
            ],
        ),
        (
            "Vendo piso luminoso en Chamberí, 85 m², 3º exterior con ascensor. Propietaria: Begoña Urrutia, 654 302 118 (solo WhatsApp). Dirección exacta: C/ Fuencarral 131, 3º izq., 28010 Madrid. Ref. IDL-77412.",
            [
                ("KEEP", "Chamberí"),
                ("PERSON", "Begoña Urrutia"),
                ("PHONE", "654 302 118"),
                ("STREET_ADDRESS", "C/ Fuencarral 131, 3º izq., 28010 Madrid"),
                ("KEEP", "IDL-77412"),
            ],
        ),
        (
            "Te koop: bovenwoning Jan Pieterszoon Coenstraat 18-2, 2595 WP Den Haag. Vraagprijs € 425.000 k.k.. Bezichtiging: Daan Hoekstra, 06 28 49 17 03. Kenmerk HGL-2026-118.",
            [
                ("STREET_ADDRESS", "Jan Pieterszoon Coenstraat 18-2, 2595 WP Den Haag"),
                ("KEEP", "€ 425.000 k.k."),
                ("PERSON", "Daan Hoekstra"),
                ("PHONE", "06 28 49 17 03"),
                ("KEEP", "HGL-2026-118"),
            ],
        ),
        (
            "Aluga-se apto 2 quartos, Pinheiros. Tratar com Seu Raimundo (11 97744-2810) no Rua dos Pinheiros, 1022, apto 81, 8º andar. Condomínio R$ 780. Aceita pet.",
            [
                ("KEEP", "Pinheiros"),
                ("PERSON", "Raimundo"),
                ("PHONE", "11 97744-2810"),
                ("STREET_ADDRESS", "Rua dos Pinheiros, 1022, apto 81, 8º andar"),
                ("KEEP", "R$ 780"),
                ("KEEP", "pet"),
            ],
        ),
        (
            'Bio: 29, Aquarius ♒, nurse at St Thomas\'. ig: @faith.in.lattes \nPrompt: "My most irrational fear" → pigeons\nMessage from Hunter: hey Faith! fellow Arsenal fan? 😄 text me +44 7700 139 482',
            [
                ("KEEP", "Aquarius"),
                ("KEEP", "St Thomas'"),
                ("USERNAME", "@faith.in.lattes"),
                ("PERSON", "Hunter"),
                ("PERSON", "Faith"),
                ("KEEP", "Arsenal"),
                ("PHONE", "+44 7700 139 482"),
            ],
        ),
        (
            'him: so whats ur real name, "Sunshine" 😂\nme: its Joy, Joy Okwuosa, and u r not Bradley Cooper either\nhim: fair, Brad Nwosu lol. my bday is july 9 \'94 so im a cancer ♋',
            [
                ("KEEP", "Sunshine"),
                ("PERSON", "Joy"),
                ("PERSON", "Joy Okwuosa"),
                ("PERSON", "Brad Nwosu"),
                ("DATE_OF_BIRTH", "july 9 '94"),
                ("KEEP", "cancer"),
            ],
        ),
        (
            'Match: Rohan (31) ✨ "Bangalore → Berlin"\nRohan: hey! u on telegram? I\'m @rohan_bhatt_ber\nYou: yes, @mira.kaufmann. Also my email if easier: mira.kaufmann@posteo.de',
            [
                ("PERSON", "Rohan"),
                ("KEEP", "Bangalore"),
                ("KEEP", "Berlin"),
                ("USERNAME", "@rohan_bhatt_ber"),
                ("USERNAME", "@mira.kaufmann"),
                ("EMAIL", "mira.kaufmann@posteo.de"),
            ],
        ),
        (
            '❤️ Mei: 我的微信是 meimei_0812 ，加我吧\nEthan: haha ok added! btw my real name is Ethan Choi not "Ethan Hunt" lol',
            [
                ("PERSON", "Mei"),
                ("USERNAME", "meimei_0812"),
                ("PERSON", "Ethan"),
                ("PERSON", "Ethan Choi"),
            ],
        ),
        (
            "★☆☆☆☆ Never again. Ordered Galaxy S24, got a brick. Called 5 times. If anyone from TechNest reads this: order TN-00918823, my number is 0161 228 4417, my name is Mark Brown. Sort it out.",
            [
                ("KEEP", "Galaxy S24"),
                ("KEEP", "TechNest"),
                ("KEEP", "TN-00918823"),
                ("PHONE", "0161 228 4417"),
                ("PERSON", "Mark Brown"),
            ],
        ),
        (
            "Avis vérifié ⭐⭐⭐⭐ — Rose D. (Bordeaux)\nLivraison rapide du Thermomix TM6. Seul bémol : le livreur Kévin a laissé le colis chez le voisin au 12 rue Saint-Rémi au lieu du mien.",
            [
                ("PERSON", "Rose D."),
                ("KEEP", "Bordeaux"),
                ("KEEP", "Thermomix TM6"),
                ("PERSON", "Kévin"),
                ("STREET_ADDRESS", "12 rue Saint-Rémi"),
            ],
        ),
        (
            "Trustpilot · Adaeze Obi · 🇳🇬 · 2 reviews\nThe Kuda app froze mid-transfer and debited ₦50,000. Ticket KD-449120. Reach me adaeze.obi@yahoo.com before I go to the CBN.",
            [
                ("PERSON", "Adaeze Obi"),
                ("KEEP", "Kuda"),
                ("KEEP", "KD-449120"),
                ("EMAIL", "adaeze.obi@yahoo.com"),
                ("KEEP", "CBN"),
            ],
        ),
        (
            'Recensione ⭐⭐ — Giuseppina Russo\n"Il B&B Casa Bianca non corrisponde alle foto. Il proprietario, sig. Bianchi, ci ha chiesto di pagare in contanti."',
            [
                ("PERSON", "Giuseppina Russo"),
                ("KEEP", "Casa Bianca"),
                ("PERSON", "Bianchi"),
            ],
        ),
        (
            'Google review reply from owner:\n"Hi Pradeep, sorry about the wait. Please call me directly on +61 412 558 903 and I\'ll refund. — Tracy-Lee, manager, The Hungry Koala"',
            [
                ("PERSON", "Pradeep"),
                ("PHONE", "+61 412 558 903"),
                ("PERSON", "Tracy-Lee"),
                ("KEEP", "The Hungry Koala"),
            ],
        ),
        (
            "yaar maine Paytm pe anjali.k@paytm ko 500 bheje the, but woh bol rahi hai nahi mila. Anjali Khurana hai naam, Lajpat Nagar wali. screenshot bhejun?",
            [
                ("KEEP", "Paytm"),
                ("USERNAME", "anjali.k@paytm"),
                ("PERSON", "Anjali Khurana"),
                ("KEEP", "Lajpat Nagar"),
            ],
        ),
        (
            "oye Simran the wifi password is chai4life@2026 and the router admin is admin / Jio@12345 don't tell papa",
            [
                ("PERSON", "Simran"),
                ("SECRET", "chai4life@2026"),
                ("SECRET", "Jio@12345"),
            ],
        ),
        (
            "so like the landlord Mr. Castillo wants el depósito por Zelle a jcastillo.rentals@gmail.com pero I don't trust it, Nayeli dice que es scam",
            [
                ("PERSON", "Castillo"),
                ("EMAIL", "jcastillo.rentals@gmail.com"),
                ("PERSON", "Nayeli"),
            ],
        ),
        (
            "bro mi contraseña del Netflix es Tacos&Tequila22, user memo.garza@hotmail.com, pero no la cambies porfa",
            [
                ("KEEP", "Netflix"),
                ("SECRET", "Tacos&Tequila22"),
                ("EMAIL", "memo.garza@hotmail.com"),
            ],
        ),
        (
            "oye Chuy, el Ring doorbell code is 4478#, leave the paquete con Doña Carmen next door if nobody's home",
            [
                ("PERSON", "Chuy"),
                ("KEEP", "Ring"),
                ("SECRET", "4478"),
                ("PERSON", "Carmen"),
            ],
        ),
        (
            "联系人：张伟，手机 139 1176 2048，地址：北京市朝阳区建国路88号SOHO现代城2号楼1503室。\n备注：请找 李娜 签收，顺丰 快递单号 SF1402288741",
            [
                ("PERSON", "张伟"),
                ("PHONE", "139 1176 2048"),
                ("STREET_ADDRESS", "北京市朝阳区建国路88号SOHO现代城2号楼1503室"),
                ("PERSON", "李娜"),
                ("KEEP", "顺丰"),
                ("KEEP", "SF1402288741"),
            ],
        ),
        (
            "Клиент: Смирнова Екатерина Андреевна\nТелефон: +7 916 204-88-13\nE-mail: e.smirnova@mail.ru\nКомментарий: доставить после 18:00, Москва-Сити",
            [
                ("PERSON", "Смирнова Екатерина Андреевна"),
                ("PHONE", "+7 916 204-88-13"),
                ("EMAIL", "e.smirnova@mail.ru"),
                ("KEEP", "Москва-Сити"),
            ],
        ),
        (
            "Passenger: AL-SHAMMARI/MOHAMMED ABDULLAH MR (محمد الشمري)\nPNR K7XQ2M  Flight SV 1021  Seat 14A\nContact +966554821930",
            [
                ("PERSON", "AL-SHAMMARI/MOHAMMED ABDULLAH"),
                ("PERSON", "محمد الشمري"),
                ("KEEP", "K7XQ2M"),
                ("KEEP", "SV 1021"),
                ("KEEP", "14A"),
                ("PHONE", "+966554821930"),
            ],
        ),
        (
            "送付先：山田 花子 様\n〒530-0015 大阪府大阪市北区中崎西2-4-12 メゾン中崎 302号\nTEL 06-6358-4471\n品名：Nintendo Switch 2",
            [
                ("PERSON", "山田 花子"),
                ("STREET_ADDRESS", "530-0015 大阪府大阪市北区中崎西2-4-12 メゾン中崎 302号"),
                ("PHONE", "06-6358-4471"),
                ("KEEP", "Nintendo Switch 2"),
            ],
        ),
        (
            "שם: נועה לוי\nטלפון: 052-718-4402\nכתובת: רחוב הרצל 45, דירה 7, תל אביב\nהערה: ביטוח לאומי",
            [
                ("PERSON", "נועה לוי"),
                ("PHONE", "052-718-4402"),
                ("STREET_ADDRESS", "רחוב הרצל 45, דירה 7, תל אביב"),
                ("KEEP", "ביטוח לאומי"),
            ],
        ),
        (
            "Bill, the bill for the Mayfair dinner came to £412. Bill, can you expense it? cc Joy (joy of joys, finance)",
            [
                ("KEEP", "Mayfair"),
                ("PERSON", "Bill"),
                ("PERSON", "Joy"),
            ],
        ),
        (
            "Rose, the roses for Faith's leaving do are on me. Order from Rose & Thorn Florists, Camden. — Young",
            [
                ("PERSON", "Rose"),
                ("PERSON", "Faith"),
                ("KEEP", "Rose & Thorn Florists"),
                ("KEEP", "Camden"),
                ("PERSON", "Young"),
            ],
        ),
        (
            "attendees: will smith-oduya, joy park, hope ortiz, bill young, mark king\nagenda: grant application NIH R01, faith-based partners, hope for a Q1 decision",
            [
                ("PERSON", "will smith-oduya"),
                ("PERSON", "joy park"),
                ("PERSON", "hope ortiz"),
                ("PERSON", "bill young"),
                ("PERSON", "mark king"),
                ("KEEP", "NIH R01"),
                ("KEEP", "Q1"),
            ],
        ),
        (
            "Per Frank: to be frank the Apple review was fine; Honey from QA disagrees. Ivy Green to follow up with Ivy League partners.",
            [
                ("PERSON", "Frank"),
                ("KEEP", "Apple"),
                ("PERSON", "Honey"),
                ("PERSON", "Ivy Green"),
                ("KEEP", "Ivy League"),
            ],
        ),
        (
            "Schedule change: Sky moves to nights; Autumn Reyes covers Autumn Ward days. Ask Page to update the page on the intranet.",
            [
                ("PERSON", "Sky"),
                ("PERSON", "Autumn Reyes"),
                ("KEEP", "Autumn Ward"),
                ("PERSON", "Page"),
            ],
        ),
        (
            "Signor Leone ha chiamato per il Leone d'Oro — richiamare +39 041 522 7713. Anche Rosa Bianco vuole la rosa bianca per il tavolo.",
            [
                ("PERSON", "Leone"),
                ("KEEP", "Leone d'Oro"),
                ("PHONE", "+39 041 522 7713"),
                ("PERSON", "Rosa Bianco"),
            ],
        ),
        (
            "Return address: T. Okafor, PO Box 88112, Tucson AZ 85754. Do NOT ship to the Walgreens on Speedway Blvd.",
            [
                ("PERSON", "T. Okafor"),
                ("STREET_ADDRESS", "PO Box 88112"),
                ("KEEP", "Tucson"),
                ("KEEP", "Walgreens"),
                ("KEEP", "Speedway Blvd"),
            ],
        ),
        (
            "Correspondence address: Flat B, 2nd Floor, 88 Kilburn High Road, London NW6 4HS — tenant Oisín Mac Giolla Phádraig",
            [
                ("STREET_ADDRESS", "Flat B, 2nd Floor, 88 Kilburn High Road, London NW6 4HS"),
                ("PERSON", "Oisín Mac Giolla Phádraig"),
            ],
        ),
        (
            "addr: PO Box 4417, Stoke-on-Trent ST4 9GZ | name: Dr Folake Ogunleye | ref HMRC-UTR pending",
            [
                ("STREET_ADDRESS", "PO Box 4417, Stoke-on-Trent ST4 9GZ"),
                ("PERSON", "Folake Ogunleye"),
                ("KEEP", "HMRC-UTR"),
            ],
        ),
        (
            "Postfach: Ilse Brandauer, Postfach 10 02 33, 20002 Hamburg — nicht an Jungfernstieg schicken",
            [
                ("PERSON", "Ilse Brandauer"),
                ("STREET_ADDRESS", "Postfach 10 02 33, 20002 Hamburg"),
                ("KEEP", "Jungfernstieg"),
            ],
        ),
        (
            "Envoyer à Mme Nadia Benali, BP 51, 97110 Pointe-à-Pitre, Guadeloupe",
            [
                ("PERSON", "Nadia Benali"),
                ("STREET_ADDRESS", "BP 51, 97110 Pointe-à-Pitre"),
                ("KEEP", "Guadeloupe"),
            ],
        ),
        (
            "Envío a Montserrat Puig i Soler, C/ del Consell de Cent 412, entl. 2a, 08009 Barcelona",
            [
                ("PERSON", "Montserrat Puig i Soler"),
                ("STREET_ADDRESS", "C/ del Consell de Cent 412, entl. 2a, 08009 Barcelona"),
            ],
        ),
        (
            "Indirizzo: Loc. Pian di Rota snc, 57025 Piombino LI — c/o az. agricola di Ettore Sarti",
            [
                ("STREET_ADDRESS", "Loc. Pian di Rota snc, 57025 Piombino LI"),
                ("PERSON", "Ettore Sarti"),
            ],
        ),
        (
            "Postadres: W. de Vries-Kuiper, Postbus 2291, 1000 CG Amsterdam",
            [
                ("PERSON", "W. de Vries-Kuiper"),
                ("STREET_ADDRESS", "Postbus 2291, 1000 CG Amsterdam"),
            ],
        ),
        (
            "Endereço: Caixa Postal 1120, CEP 70001-970, Brasília - DF — A/C Sr. Edvaldo Bezerra",
            [
                ("STREET_ADDRESS", "Caixa Postal 1120, CEP 70001-970, Brasília - DF"),
                ("PERSON", "Edvaldo Bezerra"),
            ],
        ),
        (
            "Address: C-14/2, Ground Floor, Vasant Vihar, New Delhi 110057 — Mr Arvind Chopra, c/o Chopra Exports",
            [
                ("STREET_ADDRESS", "C-14/2, Ground Floor, Vasant Vihar, New Delhi 110057"),
                ("PERSON", "Arvind Chopra"),
                ("KEEP", "Chopra Exports"),
            ],
        ),
        (
            "US address (unit + floor): 500 Boylston St, Fl 14, Ste 1402, Boston, MA 02116 — attn Priya Narang (her home office)",
            [
                ("STREET_ADDRESS", "500 Boylston St, Fl 14, Ste 1402, Boston, MA 02116"),
                ("PERSON", "Priya Narang"),
            ],
        ),
        (
            "README excerpt:\n1. Copy `.env.example` to `.env`\n2. Set `ANTHROPIC_API_KEY=your-api-key-here`\n3. Default login is admin / changeme — change it!\n4. Docs: https://docs.anthropic.com/en/api/getting-started",
            [
                ("KEEP", "your-api-key-here"),
                ("KEEP", "admin"),
                ("KEEP", "changeme"),
                ("KEEP", "https://docs.anthropic.com/en/api/getting-started"),
            ],
        ),
        (
            "Test cards we use in staging: 4242 4242 4242 4242 (any CVC), 5555 5555 5555 4444. My personal one 6011 9141 3863 5566 got charged by mistake, pls refund.",
            [
                ("KEEP", "4242 4242 4242 4242"),
                ("KEEP", "5555 5555 5555 4444"),
                ("CREDIT_CARD", "6011 9141 3863 5566"),
            ],
        ),
        (
            "UUIDs in the log: c016c150-83c8-7eb9-8adf-0bb44f333a99, d3e30800-5569-0acb-d5e7-5e631d8b8886. Commit 451fa4ae0a60261a2cadfc72804c5b13adc6e69a. The user was p.obrien@kerrygold-fans.ie on IP 86.44.201.17.",
            [
                ("KEEP", "c016c150-83c8-7eb9-8adf-0bb44f333a99"),
                ("KEEP", "d3e30800-5569-0acb-d5e7-5e631d8b8886"),
                ("KEEP", "451fa4ae0a60261a2cadfc72804c5b13adc6e69a"),
                ("EMAIL", "p.obrien@kerrygold-fans.ie"),
                ("IP_ADDRESS", "86.44.201.17"),
            ],
        ),
        (
            "Replace `{{password}}` with the value from vault. Current value (temporary, expires tonight): Wq!8zR2#mLp4. Placeholder in template stays {{password}}.",
            [
                ("SECRET", "Wq!8zR2#mLp4"),
                ("KEEP", "{{password}}"),
            ],
        ),
        (
            "SSN format is XXX-XX-XXXX, e.g. 123-45-6789 in the docs. Applicant Dwayne Okoro entered 147-56-7327.",
            [
                ("KEEP", "XXX-XX-XXXX"),
                ("KEEP", "123-45-6789"),
                ("PERSON", "Dwayne Okoro"),
                ("US_SSN", "147-56-7327"),
            ],
        ),
        (
            "IP allowlist: 192.0.2.10 (doc example), 10.0.0.0/8 (VPC), and Chidi's home 102.89.34.211. Version 1.2.3.4 of the agent is fine.",
            [
                ("KEEP", "192.0.2.10"),
                ("KEEP", "10.0.0.0/8"),
                ("PERSON", "Chidi"),
                ("IP_ADDRESS", "102.89.34.211"),
                ("KEEP", "1.2.3.4"),
            ],
        ),
        (
            "Your Uber code is 4471. Never share this code. @uber.com #4471",
            [
                ("KEEP", "Uber"),
                ("SECRET", "4471"),
            ],
        ),
        (
            "WhatsApp: Mãe: filha o código do banco chegou 883 102 é esse? e a senha do app é Brasil2026 né",
            [
                ("SECRET", "883 102"),
                ("SECRET", "Brasil2026"),
            ],
        ),
        (
            "Ihr DHL Paket 00340434161094042557 wird heute zugestellt an K. Wagenknecht, Ringstr. 8, 2. OG, 30159 Hannover",
            [
                ("KEEP", "DHL"),
                ("KEEP", "00340434161094042557"),
                ("PERSON", "K. Wagenknecht"),
                ("STREET_ADDRESS", "Ringstr. 8, 2. OG, 30159 Hannover"),
            ],
        ),
        (
            "Apple ID: wei.ling.tan@icloud.com verification code 582 914. Don't share it. Device: iPhone 16 Pro near Singapore",
            [
                ("EMAIL", "wei.ling.tan@icloud.com"),
                ("SECRET", "582 914"),
                ("KEEP", "iPhone 16 Pro"),
                ("KEEP", "Singapore"),
            ],
        ),
        (
            "Host bastion-prod\n    HostName 52.214.88.170\n    User oyindamola\n    IdentityFile ~/.ssh/id_ed25519\n# Oyindamola Adeyemi's laptop, ask before rotating",
            [
                ("KEEP", "bastion-prod"),
                ("IP_ADDRESS", "52.214.88.170"),
                ("USERNAME", "oyindamola"),
                ("KEEP", "~/.ssh/id_ed25519"),
                ("PERSON", "Oyindamola Adeyemi"),
            ],
        ),
        (
            "# crontab -l\nMAILTO=rajiv.menon@zohomail.in\n0 3 * * * PGPASSWORD='Kochi#Backwaters9' pg_dump -h 172.31.44.9 -U rmenon ledger > /backups/ledger.sql",
            [
                ("EMAIL", "rajiv.menon@zohomail.in"),
                ("SECRET", "Kochi#Backwaters9"),
                ("IP_ADDRESS", "172.31.44.9"),
                ("USERNAME", "rmenon"),
                ("KEEP", "ledger"),
            ],
        ),
        (
            "mysql -h db.internal -u wp_kingsley -p'H0neyB@dger!' wordpress -e \"SELECT user_email FROM wp_users WHERE ID=1\"\n+-------------------------------+\n| eleanor.kingsley@btinternet.com |\n+-------------------------------+",
            [
                ("KEEP", "db.internal"),
                ("USERNAME", "wp_kingsley"),
                ("SECRET", "H0neyB@dger!"),
                ("EMAIL", "eleanor.kingsley@btinternet.com"),
            ],
        ),
        (
            ">>> import os; os.environ\nenviron({'HOME': '/home/aoife', 'HF_TOKEN': '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', 'LANG': 'en_IE.UTF-8', 'WANDB_API_KEY': '1ad03dd4809665f4fc3f3c1d1b272f43a9e5b7c1'})",
            [
                ("USERNAME", "aoife"),
                ("API_KEY", "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"),
                ("API_KEY", "1ad03dd4809665f4fc3f3c1d1b272f43a9e5b7c1"),
            ],
        ),
        (
            "PS C:\\Users\\ngozi.eze> az login -u ngozi.eze@contoso-health.ng -p Lagos2026!Az\n[WARNING] Azure CLI 2.67.0: logging in with a password is deprecated",
            [
                ("USERNAME", "ngozi.eze"),
                ("EMAIL", "ngozi.eze@contoso-health.ng"),
                ("SECRET", "Lagos2026!Az"),
                ("KEEP", "Azure CLI 2.67.0"),
            ],
        ),
        (
            ":20:REF2026120700441\n:32A:261207EUR12500,00\n:50K:/PT50128344863514169554542\nJOAO MIGUEL TEIXEIRA\nRUA DE CEDOFEITA 312 3 ESQ\n4050-180 PORTO\n:59:/BE06894379813253\nANNELIES PEETERS",
            [
                ("KEEP", "REF2026120700441"),
                ("IBAN", "PT50128344863514169554542"),
                ("PERSON", "JOAO MIGUEL TEIXEIRA"),
                ("STREET_ADDRESS", "RUA DE CEDOFEITA 312 3 ESQ"),
                ("IBAN", "BE06894379813253"),
                ("PERSON", "ANNELIES PEETERS"),
            ],
        ),
        (
            '<Patient>\n  <Name><Given>Sione</Given><Family>Tupou</Family></Name>\n  <BirthDate>1983-01-19</BirthDate>\n  <Address><Line>Unit 5, 14 Kingsford Smith Drive</Line><City>Auckland</City></Address>\n  <Telecom system="email">sione.tupou@xtra.co.nz</Telecom>\n</Patient>',
            [
                ("PERSON", "Sione"),
                ("PERSON", "Tupou"),
                ("DATE_OF_BIRTH", "1983-01-19"),
                ("STREET_ADDRESS", "Unit 5, 14 Kingsford Smith Drive"),
                ("KEEP", "Auckland"),
                ("EMAIL", "sione.tupou@xtra.co.nz"),
            ],
        ),
        (
            "EDI 837 snippet:\nNM1*IL*1*OKONKWO*CHIDI*E***MI*W188204471~\nN3*4417 RURAL ROUTE 9~\nN4*LUBBOCK*TX*79407~\nDMG*D8*19670908*M~\nREF*SY*683833968~",
            [
                ("PERSON", "OKONKWO*CHIDI*E"),
                ("KEEP", "W188204471"),
                ("STREET_ADDRESS", "4417 RURAL ROUTE 9"),
                ("KEEP", "LUBBOCK"),
                ("DATE_OF_BIRTH", "19670908"),
                ("US_SSN", "683833968"),
            ],
        ),
        (
            '2026-12-07T10:15:03.118Z WARN  [payment-svc] charge failed customer="Bilal Chaudhry" card=376180447244852 reason=insufficient_funds trace=7f3a9c2e41b8',
            [
                ("KEEP", "payment-svc"),
                ("PERSON", "Bilal Chaudhry"),
                ("CREDIT_CARD", "376180447244852"),
                ("KEEP", "insufficient_funds"),
                ("KEEP", "7f3a9c2e41b8"),
            ],
        ),
        (
            '{"level":"info","ts":1796623011,"msg":"login ok","user":"kwabena.o","ip":"2a01:4b00:8f1c:2200:5d1e:aa09:1c4f:7e3b","ua":"okhttp/4.12.0","session":"sess_8Qk2LmZ9Xv4Rt7Wp1Bc3"}',
            [
                ("USERNAME", "kwabena.o"),
                ("IP_ADDRESS", "2a01:4b00:8f1c:2200:5d1e:aa09:1c4f:7e3b"),
                ("KEEP", "okhttp/4.12.0"),
                ("SECRET", "sess_8Qk2LmZ9Xv4Rt7Wp1Bc3"),
            ],
        ),
        (
            'Traceback (most recent call last):\n  File "/srv/billing/charge.py", line 88, in charge\n    raise CardError(f"declined for {customer}")\nCardError: declined for Ana Lúcia Gonçalves (analucia.goncalves@gmail.com)',
            [
                ("KEEP", "billing"),
                ("PERSON", "Ana Lúcia Gonçalves"),
                ("EMAIL", "analucia.goncalves@gmail.com"),
            ],
        ),
        (
            'You are a helpful assistant. The user\'s profile: name=Lior Ben-David, city=Haifa, phone=+972 54-771-2093, tier=gold. Answer their question: "can I change my delivery address to Herzl St 12, apt 4?"',
            [
                ("PERSON", "Lior Ben-David"),
                ("KEEP", "Haifa"),
                ("PHONE", "+972 54-771-2093"),
                ("KEEP", "gold"),
                ("STREET_ADDRESS", "Herzl St 12, apt 4"),
            ],
        ),
        (
            "Extract the fields as JSON from this email signature:\n--\nAurélien Castaing | Head of Data | Mistral Foods\nm. +33 6 71 48 20 93 | a.castaing@mistralfoods.fr\nwww.mistralfoods.fr | Paris · Lyon",
            [
                ("PERSON", "Aurélien Castaing"),
                ("KEEP", "Mistral Foods"),
                ("PHONE", "+33 6 71 48 20 93"),
                ("EMAIL", "a.castaing@mistralfoods.fr"),
                ("KEEP", "www.mistralfoods.fr"),
                ("KEEP", "Paris"),
                ("KEEP", "Lyon"),
            ],
        ),
        (
            'Rewrite this more politely: "Kevin, for the 3rd time, the Jenkins password is Butl3r!Jenk1ns and the user is ci-bot. Stop asking Brenda."',
            [
                ("PERSON", "Kevin"),
                ("KEEP", "Jenkins"),
                ("SECRET", "Butl3r!Jenk1ns"),
                ("USERNAME", "ci-bot"),
                ("PERSON", "Brenda"),
            ],
        ),
    ],
}

# Every value must occur in its text (the scorer looks for its mentions), as a whole word.
for _half, _cases in PROBES_H.items():
    for _text, _values in _cases:
        for _label, _value in _values:
            assert _value in _text, (_half, _label, _value)
