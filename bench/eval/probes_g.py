# ruff: noqa: E501  (texts are kept on one line each, as written)
"""Probe G: 240 short texts written blind on 2026-12-07 by a helper (probe31); see the
docstring of probes.py. Each case is (text, [(label, value), ...]); KEEP marks a look-alike
that must stay readable. G-dev may be read while rules change; G-held is only scored."""

from __future__ import annotations

PROBES_G: dict[str, list[tuple[str, list[tuple[str, str]]]]] = {
    "G-dev": [
        (
            "hi, its chidinma okafor here, order 88123-A never arrived. can u resend to 14 Wellington Road, Levenshulme, Manchester M19 3FA? my number is 07834 219655",
            [
                ("PERSON", "chidinma okafor"),
                ("KEEP", "88123-A"),
                ("STREET_ADDRESS", "14 Wellington Road, Levenshulme, Manchester M19 3FA"),
                ("PHONE", "07834 219655"),
            ],
        ),
        (
            "[10:42] visitor: my bday is 3 march 1991 and the form keeps saying im under 18 ??\n[10:43] Ops-Bot: Thanks! Which browser are you on?\n[10:43] visitor: firefox. name on the account is lukas weißgerber",
            [("DATE_OF_BIRTH", "3 march 1991"), ("PERSON", "lukas weißgerber")],
        ),
        (
            "chat transcript\n> Nguyen Thi Thu Ha: I can't pay with my card, it says declined\n> Agent Siri L.: which card ending?\n> Nguyen Thi Thu Ha: 4693 5843 1810 1257 exp 09/28\n> Agent Siri L.: please don't paste the full number here!",
            [
                ("PERSON", "Nguyen Thi Thu Ha"),
                ("PERSON", "Siri L."),
                ("CREDIT_CARD", "4693 5843 1810 1257"),
            ],
        ),
        (
            "yo my acct is under RAJESHWARI IYER, can you check why the refund for ticket TCK-55012 is stuck? i paid from IBAN DE83598491978898980961",
            [
                ("PERSON", "RAJESHWARI IYER"),
                ("KEEP", "TCK-55012"),
                ("IBAN", "DE83598491978898980961"),
            ],
        ),
        (
            "User: can you book me a slot with your sales guy? here's mine if easier https://calendly.com/oluwaseun-adeyemi/30min\nAgent: Sure! Aurora (our scheduler) will pick a time.",
            [("URL", "https://calendly.com/oluwaseun-adeyemi/30min"), ("KEEP", "Aurora")],
        ),
        (
            "oi, aqui é a Thaís Nascimento. meu CEP mudou, agora é Rua Domingos de Morais, 1420, apto 52 - Vila Mariana, São Paulo - SP, 04010-100. zap: (11) 98734-2210",
            [
                ("PERSON", "Thaís Nascimento"),
                (
                    "STREET_ADDRESS",
                    "Rua Domingos de Morais, 1420, apto 52 - Vila Mariana, São Paulo - SP, 04010-100",
                ),
                ("PHONE", "(11) 98734-2210"),
            ],
        ),
        (
            "visitor: i'm locked out, username is kwame_b and my email kwame.boateng@proton.me\nagent: thanks Kwame, sending a reset link now\nvisitor: it went to spam lol",
            [("USERNAME", "kwame_b"), ("EMAIL", "kwame.boateng@proton.me"), ("PERSON", "Kwame")],
        ),
        (
            "Kunde: Hallo, hier ist Frau Yıldız. Mein Passwort für das Portal ist Sommer2025!Köln, ich komme trotzdem nicht rein.\nSupport: Bitte teilen Sie Ihr Passwort niemals im Chat, Frau Yıldız.",
            [("PERSON", "Yıldız"), ("SECRET", "Sommer2025!Köln")],
        ),
        (
            "lol ok so the app crashes when i tap Jasmine (the tea subscription) - also my birthday is 12/07/1988 not 07/12/1988 can u fix that in my profile, name is hana sato",
            [("KEEP", "Jasmine"), ("DATE_OF_BIRTH", "12/07/1988"), ("PERSON", "hana sato")],
        ),
        (
            "hi its me again (bongani), the api key u gave me doesnt work: sk_live_F7xsV0sVH7j2wqLPfKX0vZh1 - did it expire?",
            [("PERSON", "bongani"), ("SECRET", "sk_live_F7xsV0sVH7j2wqLPfKX0vZh1")],
        ),
        (
            "[chat] guest_7781: my profile is linkedin.com/in/wojciech-kaminski-27b41a and I want to merge it w/ my other acct wkaminski@onet.pl",
            [("URL", "linkedin.com/in/wojciech-kaminski-27b41a"), ("EMAIL", "wkaminski@onet.pl")],
        ),
        (
            "ok the wifi router admin password is still admin/admin? no wait i changed it to Tr0ub4dor&3x last week. ip is 192.168.178.1",
            [("SECRET", "Tr0ub4dor&3x"), ("IP_ADDRESS", "192.168.178.1")],
        ),
        (
            "me: where is my stuff\nbot: Please share your order number (e.g. ORD-000000).\nme: ORD-618204, name Fatima Zahra Benali, phone 0612 487 733",
            [
                ("KEEP", "ORD-000000"),
                ("KEEP", "ORD-618204"),
                ("PERSON", "Fatima Zahra Benali"),
                ("PHONE", "0612 487 733"),
            ],
        ),
        (
            'Kunde schreibt: "Ich heiße Björn Ølstad, wohne Lindenstraße 42, 50674 Köln. Geburtsdatum 14.09.1985. Bitte Rückruf unter 0221 9873 4410."',
            [
                ("PERSON", "Björn Ølstad"),
                ("STREET_ADDRESS", "Lindenstraße 42, 50674 Köln"),
                ("DATE_OF_BIRTH", "14.09.1985"),
                ("PHONE", "0221 9873 4410"),
            ],
        ),
        (
            "hey, it's sung-min park - card got charged twice: 5156 3040 4891 1256. also please stop calling 010-4827-9931 before 9am",
            [
                ("PERSON", "sung-min park"),
                ("CREDIT_CARD", "5156 3040 4891 1256"),
                ("PHONE", "010-4827-9931"),
            ],
        ),
        (
            "CRM note 2026-11-03: Spoke w/ Olamide Fashola (procurement, Lagos office). Wants 40 seats of Atlas Pro. Follow up Thursday. Direct line +234 803 417 2290.",
            [
                ("KEEP", "2026-11-03"),
                ("PERSON", "Olamide Fashola"),
                ("KEEP", "Atlas Pro"),
                ("PHONE", "+234 803 417 2290"),
            ],
        ),
        (
            "From: Emeka Eze <emeka.eze@brightpath.ng>\nTo: support@zenlytics.io\nSubject: Re: API access\n\nHi team, the token you sent (ghp_hHDFMySTqWechCd5wSn8IqSJpD8bOJHpBOZi) is scoped wrong.\n\nBest,\nEmeka",
            [
                ("PERSON", "Emeka Eze"),
                ("EMAIL", "emeka.eze@brightpath.ng"),
                ("SECRET", "ghp_hHDFMySTqWechCd5wSn8IqSJpD8bOJHpBOZi"),
                ("PERSON", "Emeka"),
            ],
        ),
        (
            "note: caller said she is the daughter of the account holder (ALVAREZ, ROSA M.) and wants the statements sent to her own address 4410 Magnolia Blvd, Burbank, CA 91505. Did NOT verify. Callback 818-462-0193.",
            [
                ("PERSON", "ALVAREZ, ROSA M."),
                ("STREET_ADDRESS", "4410 Magnolia Blvd, Burbank, CA 91505"),
                ("PHONE", "818-462-0193"),
            ],
        ),
        (
            "Account: Haddad Logistics SARL\nContact: Youssef Haddad (CEO), Rania Khoury (finance)\nNotes: Rania prefers WhatsApp +961 3 482 917. Renewal 2027-02-01. Uses Django + Aurora Postgres.",
            [
                ("KEEP", "Haddad Logistics SARL"),
                ("PERSON", "Youssef Haddad"),
                ("PERSON", "Rania Khoury"),
                ("PERSON", "Rania"),
                ("PHONE", "+961 3 482 917"),
                ("KEEP", "2027-02-01"),
                ("KEEP", "Django"),
            ],
        ),
        (
            "internal: escalating for Jean-Pierre. customer TAKAHASHI Kenji (family name first on his ID) disputes charge on card ending 9026, full PAN in the attachment: 4908720911239026",
            [
                ("PERSON", "Jean-Pierre"),
                ("PERSON", "TAKAHASHI Kenji"),
                ("CREDIT_CARD", "4908720911239026"),
            ],
        ),
        (
            "Hubspot note | owner: marco.ferri | Lead: Chiara Lombardo-Esposito, chiara@studio-lombardo.it, +39 06 4829 1173. Interested in the Florence pilot. Budget approved.",
            [
                ("USERNAME", "marco.ferri"),
                ("PERSON", "Chiara Lombardo-Esposito"),
                ("EMAIL", "chiara@studio-lombardo.it"),
                ("PHONE", "+39 06 4829 1173"),
                ("KEEP", "Florence"),
            ],
        ),
        (
            "Helpdesk #2291 - laptop handover\nUser: pham.quoc.bao\nAsset: LT-0932 (ThinkPad X1)\nTemp local admin pw: Hanoi-Blue-7741\nHanded over by: Gustavo Ribeiro",
            [
                ("KEEP", "#2291"),
                ("USERNAME", "pham.quoc.bao"),
                ("KEEP", "LT-0932"),
                ("SECRET", "Hanoi-Blue-7741"),
                ("PERSON", "Gustavo Ribeiro"),
            ],
        ),
        (
            "CRM: contact merged. old: ngozi.a@yahoo.com / new: ngozi.adichie-obi@gmail.com. Name: Ngozi Adichie-Obi. DOB on file 02-11-1990.",
            [
                ("EMAIL", "ngozi.a@yahoo.com"),
                ("EMAIL", "ngozi.adichie-obi@gmail.com"),
                ("PERSON", "Ngozi Adichie-Obi"),
                ("DATE_OF_BIRTH", "02-11-1990"),
            ],
        ),
        (
            "zendesk internal note: requester is actually the landlord, Mr. O'Sullivan-Reyes, not the tenant. Tenant = Divya Krishnamurthy. Don't disclose tenant data to landlord.",
            [("PERSON", "O'Sullivan-Reyes"), ("PERSON", "Divya Krishnamurthy")],
        ),
        (
            'From: "Zhang, Xiuying" <xiuying.zhang@meridian-bio.com>\nCc: "Abebe, Tesfaye" <t.abebe@meridian-bio.com>\nSubject: samples\n\nPlease ship to Tesfaye\'s lab.',
            [
                ("PERSON", "Zhang, Xiuying"),
                ("EMAIL", "xiuying.zhang@meridian-bio.com"),
                ("PERSON", "Abebe, Tesfaye"),
                ("EMAIL", "t.abebe@meridian-bio.com"),
                ("PERSON", "Tesfaye"),
            ],
        ),
        (
            "Da: Alessandro Bianchi-Ferraro\nInviato: lunedì 3 novembre\nOggetto: rimborso\n\nIBAN per il rimborso: IT06U8114201639996908240060, intestato a mia moglie Valentina Russo.",
            [
                ("PERSON", "Alessandro Bianchi-Ferraro"),
                ("KEEP", "lunedì 3 novembre"),
                ("IBAN", "IT06U8114201639996908240060"),
                ("PERSON", "Valentina Russo"),
            ],
        ),
        (
            "Sent from my iPhone\n\nGet Outlook for Android\n________________________________\nFrom: Ahmad Karimi\nSent: Friday, November 7, 2026 4:02 PM\nSubject: login\n\nmy user is akarimi and password Persepolis_1361",
            [
                ("KEEP", "iPhone"),
                ("PERSON", "Ahmad Karimi"),
                ("KEEP", "Friday, November 7, 2026 4:02 PM"),
                ("USERNAME", "akarimi"),
                ("SECRET", "Persepolis_1361"),
            ],
        ),
        (
            "Regards,\nMs. Adaeze Chukwu-Lawal, MBA\nAdaeze.Chukwu-Lawal@lawalpartners.com\nwww.linkedin.com/in/adaeze-chukwu-lawal",
            [
                ("PERSON", "Adaeze Chukwu-Lawal"),
                ("EMAIL", "Adaeze.Chukwu-Lawal@lawalpartners.com"),
                ("URL", "www.linkedin.com/in/adaeze-chukwu-lawal"),
            ],
        ),
        (
            "Subject: Out of office\n\nI am away until 19 December. For urgent matters contact my colleague Hamza Qureshi (hamza.q@finverse.pk, +92 300 8471625).\n\nKind regards, Saima",
            [
                ("KEEP", "19 December"),
                ("PERSON", "Hamza Qureshi"),
                ("EMAIL", "hamza.q@finverse.pk"),
                ("PHONE", "+92 300 8471625"),
                ("PERSON", "Saima"),
            ],
        ),
        (
            "Beste Joost,\n\nZoals besproken: het wachtwoord voor de gedeelde mailbox is Zomer!Vlieland88. Graag na eerste login wijzigen.\n\nGroet, Marleen Bakker",
            [("PERSON", "Joost"), ("SECRET", "Zomer!Vlieland88"), ("PERSON", "Marleen Bakker")],
        ),
        (
            "Standup 12/03\nAttendees: kofi, mei-ling, Rodrigo B., ALINTA\n- kofi: migrating Hermes queue to v2.3\n- mei-ling: on call, ping her at 0412 388 019\n- Rodrigo B. out Fri",
            [
                ("KEEP", "12/03"),
                ("PERSON", "kofi"),
                ("PERSON", "mei-ling"),
                ("PERSON", "Rodrigo B."),
                ("PERSON", "ALINTA"),
                ("KEEP", "Hermes"),
                ("KEEP", "v2.3"),
                ("PHONE", "0412 388 019"),
            ],
        ),
        (
            "Patientin: Frau Dr. Elif Aydın-Schulte, geb. 30.01.1971\nAnschrift: Hauptstr. 7a, 69117 Heidelberg\nVersicherung: AOK, Termin 11.12.2026 09:30 bei Dr. med. Reinhard Voss",
            [
                ("PERSON", "Elif Aydın-Schulte"),
                ("DATE_OF_BIRTH", "30.01.1971"),
                ("STREET_ADDRESS", "Hauptstr. 7a, 69117 Heidelberg"),
                ("KEEP", "11.12.2026 09:30"),
                ("PERSON", "Reinhard Voss"),
            ],
        ),
        (
            "meeting notes - vendor review (nov 6)\npresent: s. ramaswamy, J. Okonjo-Iweala, me\n- ramaswamy: contract auto-renews 2027-03-31\n- action: J. Okonjo-Iweala to send NDA",
            [
                ("KEEP", "nov 6"),
                ("PERSON", "s. ramaswamy"),
                ("PERSON", "J. Okonjo-Iweala"),
                ("PERSON", "ramaswamy"),
                ("KEEP", "2027-03-31"),
            ],
        ),
        (
            "Sendungsnummer 00340434161094027318\nEmpfänger: Familie Papadopoulos\nGoethestraße 88, 80336 München\nZustellversuch fehlgeschlagen, Nachbar (Hr. Szymański) nimmt an.",
            [
                ("KEEP", "00340434161094027318"),
                ("PERSON", "Papadopoulos"),
                ("STREET_ADDRESS", "Goethestraße 88, 80336 München"),
                ("PERSON", "Szymański"),
            ],
        ),
        (
            "Dossier sinistre n° 2026-SIN-04412\nAssuré : M. Karim Belkacem, né le 08/02/1983\nDomicile : 45 boulevard Voltaire, 75011 Paris\nExpert : Mme Hélène Rousseau",
            [
                ("KEEP", "2026-SIN-04412"),
                ("PERSON", "Karim Belkacem"),
                ("DATE_OF_BIRTH", "08/02/1983"),
                ("STREET_ADDRESS", "45 boulevard Voltaire, 75011 Paris"),
                ("PERSON", "Hélène Rousseau"),
            ],
        ),
        (
            "Referral: pt. LOPEZ GARCIA, Juan Carlos (DOB 11/23/1958) referred by Dr. Amara Osei to cardiology. MRN 00482913. Home phone (915) 772-4018.",
            [
                ("PERSON", "LOPEZ GARCIA, Juan Carlos"),
                ("DATE_OF_BIRTH", "11/23/1958"),
                ("PERSON", "Amara Osei"),
                ("KEEP", "00482913"),
                ("PHONE", "(915) 772-4018"),
            ],
        ),
        (
            "Polizza RCA n. 7781-2209-A\nContraente: Sig. Francesco Paolo Di Stefano\nResidenza: Corso Vittorio Emanuele II 112, 90133 Palermo (PA)\nNato il 19/03/1969 a Catania",
            [
                ("KEEP", "7781-2209-A"),
                ("PERSON", "Francesco Paolo Di Stefano"),
                ("STREET_ADDRESS", "Corso Vittorio Emanuele II 112, 90133 Palermo (PA)"),
                ("DATE_OF_BIRTH", "19/03/1969"),
            ],
        ),
        (
            "Interview feedback - candidate: Oluwadamilare 'Dare' Akinola\nPanel: Grace, Hiroshi, me\nStrong on Kafka, weak on SQL. Reference: his old lead at Paystack, Chinedu Obi.",
            [
                ("PERSON", "Oluwadamilare 'Dare' Akinola"),
                ("PERSON", "Grace"),
                ("PERSON", "Hiroshi"),
                ("KEEP", "Kafka"),
                ("PERSON", "Chinedu Obi"),
            ],
        ),
        (
            "shipment 1Z999AA10123456784 delayed at Louisville hub. consignee: Temitope Balogun, 9 Orchard Lane, Apt 2B, Edison, NJ 08820. notify: tbalogun@gmail.com",
            [
                ("KEEP", "1Z999AA10123456784"),
                ("KEEP", "Louisville"),
                ("PERSON", "Temitope Balogun"),
                ("STREET_ADDRESS", "9 Orchard Lane, Apt 2B, Edison, NJ 08820"),
                ("EMAIL", "tbalogun@gmail.com"),
            ],
        ),
        (
            "minutes: board call. motion by A. Hashemi, seconded by Lindiwe Zulu. carried. next meeting 2027-01-20 at the Amsterdam office. minutes taken by wang fang.",
            [
                ("PERSON", "A. Hashemi"),
                ("PERSON", "Lindiwe Zulu"),
                ("KEEP", "2027-01-20"),
                ("KEEP", "Amsterdam"),
                ("PERSON", "wang fang"),
            ],
        ),
        (
            "Pedido de reembolso - plano de saúde\nBeneficiário: João Pedro dos Santos Lima\nNascimento: 15/11/1977\nEndereço: Av. Sete de Setembro, 2200, ap. 1101, Salvador - BA, 40080-001",
            [
                ("PERSON", "João Pedro dos Santos Lima"),
                ("DATE_OF_BIRTH", "15/11/1977"),
                (
                    "STREET_ADDRESS",
                    "Av. Sete de Setembro, 2200, ap. 1101, Salvador - BA, 40080-001",
                ),
            ],
        ),
        (
            "Incident report: employee Bogdan Ionescu slipped at Warehouse B (Rotterdam). First aid by colleague Yasmin El-Amin. Employee DOB 1987-12-09 for the insurer form.",
            [
                ("PERSON", "Bogdan Ionescu"),
                ("KEEP", "Warehouse B"),
                ("PERSON", "Yasmin El-Amin"),
                ("DATE_OF_BIRTH", "1987-12-09"),
            ],
        ),
        (
            "Lieferschein 4471\nAn: Herrn Ömer Çelik, c/o Bäckerei Sonnenschein\nBahnhofstraße 5, 01069 Dresden\nMobil 0176 3301 8452",
            [
                ("KEEP", "4471"),
                ("PERSON", "Ömer Çelik"),
                ("STREET_ADDRESS", "Bahnhofstraße 5, 01069 Dresden"),
                ("PHONE", "0176 3301 8452"),
            ],
        ),
        (
            "Offboarding: Gabriel Mensah leaves 31/12. Revoke AWS user gmensah; rotate the shared key AKIADXAVNASFI4O62J6H he had. Forward mail to Lucía Fernández.",
            [
                ("PERSON", "Gabriel Mensah"),
                ("KEEP", "31/12"),
                ("USERNAME", "gmensah"),
                ("SECRET", "AKIADXAVNASFI4O62J6H"),
                ("PERSON", "Lucía Fernández"),
            ],
        ),
        (
            "notes from call w/ insurer: adjuster Tamika Washington, ext 4471. They need our client's SSN (369-65-1087) and her address 72 Elm Street, Apt 5, Worcester, MA 01609.",
            [
                ("PERSON", "Tamika Washington"),
                ("US_SSN", "369-65-1087"),
                ("STREET_ADDRESS", "72 Elm Street, Apt 5, Worcester, MA 01609"),
            ],
        ),
        (
            "id,first_name,last_name,email,phone\n101,Adebayo,Ogunleye,a.ogunleye@mailbox.org,+44 7723 118904\n102,Mei,Chen,chenmei@qq.com,+86 139 1024 5567\n103,Rahul,Dev,rahul.dev@outlook.com,+91 70220 48193",
            [
                ("PERSON", "Adebayo"),
                ("PERSON", "Ogunleye"),
                ("EMAIL", "a.ogunleye@mailbox.org"),
                ("PHONE", "+44 7723 118904"),
                ("PERSON", "Mei"),
                ("PERSON", "Chen"),
                ("EMAIL", "chenmei@qq.com"),
                ("PHONE", "+86 139 1024 5567"),
                ("PERSON", "Rahul"),
                ("PERSON", "Dev"),
                ("EMAIL", "rahul.dev@outlook.com"),
                ("PHONE", "+91 70220 48193"),
            ],
        ),
        (
            '{"customer": {"name": "Leilani Kahananui", "email": "leilani.k@hawaiiantel.net", "shipping": {"line1": "1450 Ala Moana Blvd Apt 2107", "city": "Honolulu", "state": "HI", "zip": "96814"}}, "order_id": "c0bb9671-fd9a-4414-b56f-36519cee41a4"}',
            [
                ("PERSON", "Leilani Kahananui"),
                ("EMAIL", "leilani.k@hawaiiantel.net"),
                ("STREET_ADDRESS", "1450 Ala Moana Blvd Apt 2107"),
                ("KEEP", "c0bb9671-fd9a-4414-b56f-36519cee41a4"),
            ],
        ),
        (
            '<customer id="88120">\n  <fullName>Sebastián Cárdenas Molina</fullName>\n  <iban>ES5610699502004289101148</iban>\n  <password>Cartagena*1987</password>\n  <apiToken>sk_live_OdRxyoS76p27gMKDOCJwvzne</apiToken>\n</customer>',
            [
                ("KEEP", "88120"),
                ("PERSON", "Sebastián Cárdenas Molina"),
                ("IBAN", "ES5610699502004289101148"),
                ("SECRET", "Cartagena*1987"),
                ("SECRET", "sk_live_OdRxyoS76p27gMKDOCJwvzne"),
            ],
        ),
        (
            '[{"user":"ayo","msg":"my card is 5511 3304 8597 5710"},{"user":"support","msg":"please never share that"},{"user":"ayo","msg":"oops, my name is Ayotunde Bakare btw"}]',
            [
                ("USERNAME", "ayo"),
                ("CREDIT_CARD", "5511 3304 8597 5710"),
                ("PERSON", "Ayotunde Bakare"),
            ],
        ),
        (
            'database:\n  host: 10.0.12.7\n  user: billing_svc\n  password: "gT7#vQ2!mZ9xL4"\n  name: billing\ncache:\n  url: redis://:R3d1s-Pr0d-Key@10.0.12.9:6379/0\ndocs: https://redis.io/docs/latest/',
            [
                ("IP_ADDRESS", "10.0.12.7"),
                ("USERNAME", "billing_svc"),
                ("SECRET", "gT7#vQ2!mZ9xL4"),
                ("SECRET", "R3d1s-Pr0d-Key"),
                ("IP_ADDRESS", "10.0.12.9"),
                ("KEEP", "https://redis.io/docs/latest/"),
            ],
        ),
        (
            '{"event":"signup","ts":"2026-12-02T10:14:55Z","props":{"first":"Chukwuemeka","last":"Nwosu","dob":"1999-04-08","ip":"2a02:8108:1c40:5e7::1f3","referrer":"https://www.google.com/"}}',
            [
                ("KEEP", "2026-12-02T10:14:55Z"),
                ("PERSON", "Chukwuemeka"),
                ("PERSON", "Nwosu"),
                ("DATE_OF_BIRTH", "1999-04-08"),
                ("IP_ADDRESS", "2a02:8108:1c40:5e7::1f3"),
                ("KEEP", "https://www.google.com/"),
            ],
        ),
        (
            "cliente,cpf_omitido,email,celular,cidade\nLarissa Moura Tavares,***,larissa.tavares@uol.com.br,(21) 99812-4407,Rio de Janeiro\nRenato Okabe,***,r.okabe@terra.com.br,(41) 98820-3361,Curitiba",
            [
                ("PERSON", "Larissa Moura Tavares"),
                ("EMAIL", "larissa.tavares@uol.com.br"),
                ("PHONE", "(21) 99812-4407"),
                ("KEEP", "Rio de Janeiro"),
                ("PERSON", "Renato Okabe"),
                ("EMAIL", "r.okabe@terra.com.br"),
                ("PHONE", "(41) 98820-3361"),
                ("KEEP", "Curitiba"),
            ],
        ),
        (
            "Nome | Cognome | Indirizzo | Telefono\n--- | --- | --- | ---\nAurora | Esposito | Via Toledo 256, 80134 Napoli | 081 552 3890\nMatteo | Conti | Via Roma 9, 10123 Torino | 011 562 0071",
            [
                ("PERSON", "Aurora"),
                ("PERSON", "Esposito"),
                ("STREET_ADDRESS", "Via Toledo 256, 80134 Napoli"),
                ("PHONE", "081 552 3890"),
                ("PERSON", "Matteo"),
                ("PERSON", "Conti"),
                ("STREET_ADDRESS", "Via Roma 9, 10123 Torino"),
                ("PHONE", "011 562 0071"),
            ],
        ),
        (
            "naam,adres,postcode,woonplaats,iban\nP. (Pieter) Jansen,Oudegracht 231,3511 NK,Utrecht,NL81YDUU8683758606\nS. Boukhari,Laan van Meerdervoort 401,2563 AN,Den Haag,BE16351256837281",
            [
                ("PERSON", "P. (Pieter) Jansen"),
                ("STREET_ADDRESS", "Oudegracht 231"),
                ("IBAN", "NL81YDUU8683758606"),
                ("PERSON", "S. Boukhari"),
                ("STREET_ADDRESS", "Laan van Meerdervoort 401"),
                ("IBAN", "BE16351256837281"),
            ],
        ),
        (
            "| # | Guest | Dietary | Seat |\n|---|---|---|---|\n| 1 | Dr. Wanjiru Kamau | vegan | A3 |\n| 2 | Mr. & Mrs. Castellanos | none | A4-A5 |\n| 3 | Pooja | jain | B1 |",
            [("PERSON", "Wanjiru Kamau"), ("PERSON", "Castellanos"), ("PERSON", "Pooja")],
        ),
        (
            '{"patient":{"given":["Oyelaran","T."],"family":"Adewale","birthDate":"1968-07-29","telecom":[{"system":"phone","value":"+234 809 221 4470"}]},"resourceType":"Patient"}',
            [
                ("PERSON", "Oyelaran"),
                ("PERSON", "Adewale"),
                ("DATE_OF_BIRTH", "1968-07-29"),
                ("PHONE", "+234 809 221 4470"),
            ],
        ),
        (
            'contacts:\n  - {name: "Sven-Erik Lindqvist", email: se.lindqvist@telia.se}\n  - {name: "Sr. Ramón Gutiérrez", email: rgutierrez@gmail.com, phone: "+52 55 4182 9930"}',
            [
                ("PERSON", "Sven-Erik Lindqvist"),
                ("EMAIL", "se.lindqvist@telia.se"),
                ("PERSON", "Ramón Gutiérrez"),
                ("EMAIL", "rgutierrez@gmail.com"),
                ("PHONE", "+52 55 4182 9930"),
            ],
        ),
        (
            "Nom;Prénom;Adresse;CP;Ville;Né(e) le\nMBAPPE-TCHOUAMENI;Kylian;12 avenue Jean Jaurès;69007;Lyon;1998-12-20\nLEROY;Anaïs;3 impasse des Lilas;33000;Bordeaux;2001-03-09",
            [
                ("PERSON", "MBAPPE-TCHOUAMENI"),
                ("PERSON", "Kylian"),
                ("STREET_ADDRESS", "12 avenue Jean Jaurès"),
                ("DATE_OF_BIRTH", "1998-12-20"),
                ("PERSON", "LEROY"),
                ("PERSON", "Anaïs"),
                ("STREET_ADDRESS", "3 impasse des Lilas"),
                ("DATE_OF_BIRTH", "2001-03-09"),
            ],
        ),
        (
            'staff_directory.csv (excerpt)\n"Okafor, Uchenna","Lab Manager","uokafor","ext. 2231"\n"Delacroix-Mbeki, Simone","Postdoc","sdelacroix","ext. 2240"',
            [
                ("PERSON", "Okafor, Uchenna"),
                ("USERNAME", "uokafor"),
                ("PERSON", "Delacroix-Mbeki, Simone"),
                ("USERNAME", "sdelacroix"),
            ],
        ),
        (
            "services:\n  api:\n    image: ghcr.io/acme/api:1.8.4\n    environment:\n      - HF_TOKEN=hf_xLZa5AM57OFYx8u2G4NUTGbkWSifb89ECF\n      - POSTGRES_PASSWORD=changeme\n      - GITHUB_TOKEN=ghp_9UbdOnsXaFIkF1sRVORUYibgtQdZKbRKAKaB",
            [
                ("KEEP", "ghcr.io/acme/api:1.8.4"),
                ("SECRET", "hf_xLZa5AM57OFYx8u2G4NUTGbkWSifb89ECF"),
                ("KEEP", "changeme"),
                ("SECRET", "ghp_9UbdOnsXaFIkF1sRVORUYibgtQdZKbRKAKaB"),
            ],
        ),
        (
            "2026-12-04T08:11:02.417Z INFO  auth.login user=ewa.nowak@firma.pl ip=83.12.44.190 result=ok\n2026-12-04T08:11:09.003Z WARN  auth.login user=ewa.nowak@firma.pl ip=83.12.44.190 result=fail reason=bad_password attempted=Ewa2026!!",
            [
                ("KEEP", "2026-12-04T08:11:02.417Z"),
                ("EMAIL", "ewa.nowak@firma.pl"),
                ("IP_ADDRESS", "83.12.44.190"),
                ("SECRET", "Ewa2026!!"),
            ],
        ),
        (
            "$ history | tail -5\n  501  ssh deploy@51.158.77.203\n  502  export OPENAI_API_KEY=sk-proj-wHuTqZYSWVL2nZHSSwfXWgh6FhSWW5L_go_5igj_94jELq90\n  503  mysql -u root -p'Hunter2Prod!' shop\n  504  git log --oneline -3\n  505  history",
            [
                ("IP_ADDRESS", "51.158.77.203"),
                ("SECRET", "sk-proj-wHuTqZYSWVL2nZHSSwfXWgh6FhSWW5L_go_5igj_94jELq90"),
                ("SECRET", "Hunter2Prod!"),
            ],
        ),
        (
            "java.net.ConnectException: Connection refused: /10.0.3.17:5432\n\tat org.postgresql.core.v3.ConnectionFactoryImpl.openConnectionImpl(ConnectionFactoryImpl.java:319)\n\tat com.acme.billing.Db.connect(Db.java:88)",
            [("IP_ADDRESS", "10.0.3.17"), ("KEEP", "ConnectionFactoryImpl.java:319")],
        ),
        (
            'client = OpenAI(api_key="sk-proj-wHuTqZYSWVL2nZHSSwfXWgh6FhSWW5L_go_5igj_94jELq90")\nslack = WebClient(token=os.environ["SLACK_TOKEN"])\ngh = Github("ghp_hHDFMySTqWechCd5wSn8IqSJpD8bOJHpBOZi")',
            [
                ("SECRET", "sk-proj-wHuTqZYSWVL2nZHSSwfXWgh6FhSWW5L_go_5igj_94jELq90"),
                ("KEEP", "SLACK_TOKEN"),
                ("SECRET", "ghp_hHDFMySTqWechCd5wSn8IqSJpD8bOJHpBOZi"),
            ],
        ),
        (
            '[2026-12-05 14:02:11] ERROR PaymentService - charge failed card=4542204588145115 amount=49.99 customer="Hadiza Usman" email=hadiza.usman@gmail.com code=do_not_honor',
            [
                ("KEEP", "2026-12-05 14:02:11"),
                ("CREDIT_CARD", "4542204588145115"),
                ("PERSON", "Hadiza Usman"),
                ("EMAIL", "hadiza.usman@gmail.com"),
            ],
        ),
        (
            "# application.properties\nspring.datasource.url=jdbc:mysql://10.4.2.20:3306/hr\nspring.datasource.username=hr_app\nspring.datasource.password=K1limanjaro_2026\nmanagement.endpoints.web.exposure.include=health",
            [("IP_ADDRESS", "10.4.2.20"), ("USERNAME", "hr_app"), ("SECRET", "K1limanjaro_2026")],
        ),
        (
            "kubectl create secret generic gitlab --from-literal=token=glpat-wDz5udUolgiCDWyEQ4vy -n ci\nkubectl create secret generic db --from-literal=password='<password>' -n ci",
            [("SECRET", "glpat-wDz5udUolgiCDWyEQ4vy"), ("KEEP", "<password>")],
        ),
        (
            "const db = mysql.createConnection({ host: 'localhost', user: 'app', password: 'Bl@ckP3arl_77' });\nawait mailer.login('notify@quokka.dev', 'dxVr-88Lp-Qt2m');\n// TODO move to vault",
            [("SECRET", "Bl@ckP3arl_77"), ("SECRET", "dxVr-88Lp-Qt2m")],
        ),
        (
            "[pypi]\nusername = __token__\npassword = pypi-AgEIcHlwaS5vcmc9kW_Tc7faTY9ltRJQFar9CbcAdES0OYMUQzgkce5_iPQEA9JMC-I5rkZ3Evc\n\n[testpypi]\nusername = __token__\npassword = <your-testpypi-token>",
            [
                (
                    "SECRET",
                    "pypi-AgEIcHlwaS5vcmc9kW_Tc7faTY9ltRJQFar9CbcAdES0OYMUQzgkce5_iPQEA9JMC-I5rkZ3Evc",
                ),
                ("KEEP", "<your-testpypi-token>"),
            ],
        ),
        (
            "docker login -u aigerim.n -p dckr_pat_Nn-FLwQEJ7-I3tpK88b7bAxIHhJ registry.hub.docker.com\nWARNING! Using --password via the CLI is insecure. Use --password-stdin.",
            [("USERNAME", "aigerim.n"), ("SECRET", "dckr_pat_Nn-FLwQEJ7-I3tpK88b7bAxIHhJ")],
        ),
        (
            "# .env\nDATABASE_URL=postgres://svc_orders:Pr1m4v3ra-2026@10.30.1.4:5432/orders\nTWILIO_ACCOUNT_SID=ACc337646ccb7ea4236ba4e7aea1f15ccd\nTWILIO_AUTH_TOKEN=736d8abfd5aac4d852572a8539319169\nAPP_ENV=production",
            [
                ("SECRET", "Pr1m4v3ra-2026"),
                ("IP_ADDRESS", "10.30.1.4"),
                ("SECRET", "736d8abfd5aac4d852572a8539319169"),
            ],
        ),
        (
            "WARN [ldap] bind failed for cn=Fernando Alves,ou=People,dc=corp,dc=local from 172.20.14.201\nDEBUG [ldap] bind dn pw=Lisboa!2025 (redact me)",
            [
                ("PERSON", "Fernando Alves"),
                ("IP_ADDRESS", "172.20.14.201"),
                ("SECRET", "Lisboa!2025"),
            ],
        ),
        (
            '<add key="SmtpPassword" value="V3nice&Gondola9" />\n<add key="ApiBase" value="https://learn.microsoft.com/en-us/dotnet/" />\n<add key="AdminEmail" value="oluwakemi.ajayi@hollowtree.org" />',
            [
                ("SECRET", "V3nice&Gondola9"),
                ("KEEP", "https://learn.microsoft.com/en-us/dotnet/"),
                ("EMAIL", "oluwakemi.ajayi@hollowtree.org"),
            ],
        ),
        (
            'psql "host=10.50.0.8 port=5432 dbname=crm user=readonly password=R0-Analyst#44 sslmode=require"\npsql: error: FATAL:  password authentication failed for user "readonly"',
            [("IP_ADDRESS", "10.50.0.8"), ("SECRET", "R0-Analyst#44")],
        ),
        (
            'terraform plan\n  + resource "digitalocean_droplet" "web" {\n      + ipv4_address = "164.92.118.45"\n  }\nvar.do_token = "dop_v1_cc09d1257ec3e64a41ffbdfd499969548cf4c4bbf5d4359edca0c9f199fa99d9"',
            [
                ("IP_ADDRESS", "164.92.118.45"),
                (
                    "SECRET",
                    "dop_v1_cc09d1257ec3e64a41ffbdfd499969548cf4c4bbf5d4359edca0c9f199fa99d9",
                ),
            ],
        ),
        (
            "INSERT INTO customers (first_name, last_name, email, dob, street, zip, city) VALUES ('Folasade', 'Adeyinka', 'fola.adeyinka@gmail.com', '1993-01-27', '48 Lordship Lane', 'SE22 8HJ', 'London');",
            [
                ("PERSON", "Folasade"),
                ("PERSON", "Adeyinka"),
                ("EMAIL", "fola.adeyinka@gmail.com"),
                ("DATE_OF_BIRTH", "1993-01-27"),
                ("STREET_ADDRESS", "48 Lordship Lane"),
            ],
        ),
        (
            "Form submission #7781\nFull name: mohamed abdirahman warsame\nEmail: m.warsame@hotmail.com\nPhone: 612-778-3021\nAddress: 2630 Chicago Ave S, Minneapolis, MN 55407\nMessage: pls call after 5",
            [
                ("KEEP", "#7781"),
                ("PERSON", "mohamed abdirahman warsame"),
                ("EMAIL", "m.warsame@hotmail.com"),
                ("PHONE", "612-778-3021"),
                ("STREET_ADDRESS", "2630 Chicago Ave S, Minneapolis, MN 55407"),
            ],
        ),
        (
            "SELECT * FROM patients WHERE last_name = 'Mukherjee' AND first_name = 'Debashree' AND dob = '1975-09-14';\n-- 1 row: id=4412, ward=Tulip, gp=Dr Aoife Brennan",
            [
                ("PERSON", "Mukherjee"),
                ("PERSON", "Debashree"),
                ("DATE_OF_BIRTH", "1975-09-14"),
                ("KEEP", "Tulip"),
                ("PERSON", "Aoife Brennan"),
            ],
        ),
        (
            "Kontaktformular\nAnrede: Herr\nVorname: Wolfgang\nNachname: Schmidt-Oyelowo\nStraße/Nr.: Königsallee 60\nPLZ/Ort: 40212 Düsseldorf\nGeburtstag: 29.02.1964\nAnliegen: Kündigung",
            [
                ("PERSON", "Wolfgang"),
                ("PERSON", "Schmidt-Oyelowo"),
                ("STREET_ADDRESS", "Königsallee 60"),
                ("DATE_OF_BIRTH", "29.02.1964"),
            ],
        ),
        (
            "Teams chat - Project Aurora\nPetrov, Anastasia  9:14 AM\n@Diego can you send me the vpn creds\nDiego Hernández  9:15 AM\nuser dhernandez / pass Guadalajara.22",
            [
                ("KEEP", "Project Aurora"),
                ("PERSON", "Petrov, Anastasia"),
                ("PERSON", "Diego"),
                ("PERSON", "Diego Hernández"),
                ("USERNAME", "dhernandez"),
                ("SECRET", "Guadalajara.22"),
            ],
        ),
        (
            "06/12/2026, 18:22 - Mãe: filho manda o número do cartão pra eu pagar o gás\n06/12/2026, 18:25 - Rafael: 4657 6886 0397 1029 val 11/29\n06/12/2026, 18:25 - Rafael: apaga depois mãe",
            [
                ("KEEP", "06/12/2026, 18:22"),
                ("PERSON", "Rafael"),
                ("CREDIT_CARD", "4657 6886 0397 1029"),
            ],
        ),
        (
            "discord #general\nxXshadowfoxXx: anyone selling the beta key?\nmod_kaito: no trading keys here. also @lucas.m you posted your steam pw (Gr3mlin$Cave) in #offtopic, change it",
            [
                ("USERNAME", "xXshadowfoxXx"),
                ("USERNAME", "mod_kaito"),
                ("USERNAME", "@lucas.m"),
                ("SECRET", "Gr3mlin$Cave"),
            ],
        ),
        (
            "-- seed data, dev only\nINSERT INTO api_clients (name, secret) VALUES ('mobile', 'xxxx'), ('partner-kestrel', 'nsb0uqYZqadqvdCxeyoXrXCa4H'), ('example', 'REPLACE_ME');",
            [("KEEP", "xxxx"), ("SECRET", "nsb0uqYZqadqvdCxeyoXrXCa4H"), ("KEEP", "REPLACE_ME")],
        ),
        (
            "Typeform response\nQ: Your name? A: jo-anne mcallister-nkemelu\nQ: Best email? A: joanne.mn@icloud.com\nQ: Anything else? A: my previous ticket was TKT-8821, still no answer",
            [
                ("PERSON", "jo-anne mcallister-nkemelu"),
                ("EMAIL", "joanne.mn@icloud.com"),
                ("KEEP", "TKT-8821"),
            ],
        ),
        (
            "telegram export\nFrom: Dilnoza Yusupova\nText: the jira token is ATATT3xFfGF0N0YC_6gp_hyR4F_cfDS4WR31Oo3Zw-GEOP0Ulq3a8spATPa9SGEKdll5-ic7F4fb don't share\nFrom: Timur\nText: 👍",
            [
                ("PERSON", "Dilnoza Yusupova"),
                (
                    "SECRET",
                    "ATATT3xFfGF0N0YC_6gp_hyR4F_cfDS4WR31Oo3Zw-GEOP0Ulq3a8spATPa9SGEKdll5-ic7F4fb",
                ),
                ("PERSON", "Timur"),
            ],
        ),
        (
            "COPY guests (name, phone, ip) FROM stdin;\nAbdullahi Garba\t+234 706 118 4420\t102.89.33.17\nYui Matsumoto\t+81 90-4418-2276\t126.77.8.201\n\\.",
            [
                ("PERSON", "Abdullahi Garba"),
                ("PHONE", "+234 706 118 4420"),
                ("IP_ADDRESS", "102.89.33.17"),
                ("PERSON", "Yui Matsumoto"),
                ("PHONE", "+81 90-4418-2276"),
                ("IP_ADDRESS", "126.77.8.201"),
            ],
        ),
        (
            "aanmeldformulier\nvoornaam: Mohamed\nachternaam: el Idrissi\ngeboren: 12-03-1997\nstraat: Bilderdijkkade 58 III\npostcode: 1053 VN Amsterdam\nmobiel: +31 6 2841 7730",
            [
                ("PERSON", "Mohamed"),
                ("PERSON", "el Idrissi"),
                ("DATE_OF_BIRTH", "12-03-1997"),
                ("STREET_ADDRESS", "Bilderdijkkade 58 III"),
                ("PHONE", "+31 6 2841 7730"),
            ],
        ),
        (
            "[Zoom chat] From Wiremu Tane to Everyone: here's my linkedin https://www.linkedin.com/in/wiremu-tane-nz/ and the deck is on docs.google.com/presentation/d/1xQ9rT",
            [
                ("PERSON", "Wiremu Tane"),
                ("URL", "https://www.linkedin.com/in/wiremu-tane-nz/"),
                ("URL", "docs.google.com/presentation/d/1xQ9rT"),
            ],
        ),
        (
            "DELETE FROM sessions WHERE token = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIzNDM1NSIsIm5hbWUiOiJ4IiwiaWF0IjoxNzY1MDAwMDAwfQ.XlqDoHu7DDRDxmvAA6i4xnVQBCwA_McoCfqQF66gNa5';",
            [
                (
                    "SECRET",
                    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIzNDM1NSIsIm5hbWUiOiJ4IiwiaWF0IjoxNzY1MDAwMDAwfQ.XlqDoHu7DDRDxmvAA6i4xnVQBCwA_McoCfqQF66gNa5",
                )
            ],
        ),
        (
            "Registration dump\n{first=Siosaia, last=Taufa, email=siosaia.taufa@gmail.com, phone=+64 21 448 2093, address=12 Ponsonby Rd, Auckland 1011}",
            [
                ("PERSON", "Siosaia"),
                ("PERSON", "Taufa"),
                ("EMAIL", "siosaia.taufa@gmail.com"),
                ("PHONE", "+64 21 448 2093"),
            ],
        ),
        (
            "To set up the SDK, copy your key into config.yaml as api_key: your-api-key-here, then run `acme init`. See https://docs.acme.dev/quickstart for details. Version 3.2.0 requires Python 3.10+.",
            [
                ("KEEP", "your-api-key-here"),
                ("KEEP", "https://docs.acme.dev/quickstart"),
                ("KEEP", "3.2.0"),
            ],
        ),
        (
            "Release notes 5.0.1 (2026-11-28): fixed crash in Hugo exporter; Jasper reports now support Paris and Sydney time zones; thanks to contributor @amadou-diop for the patch (github.com/amadou-diop).",
            [
                ("KEEP", "5.0.1"),
                ("KEEP", "2026-11-28"),
                ("KEEP", "Hugo"),
                ("KEEP", "Jasper"),
                ("KEEP", "Paris"),
                ("KEEP", "Sydney"),
                ("USERNAME", "@amadou-diop"),
                ("URL", "github.com/amadou-diop"),
            ],
        ),
        (
            "hey!! so my sister hannah-louise is getting married in Florence on 14 june and i need to change the name on the booking to Hannah-Louise Oyelowo-Grant. booking ref K9X4TT",
            [
                ("PERSON", "hannah-louise"),
                ("KEEP", "Florence"),
                ("KEEP", "14 june"),
                ("PERSON", "Hannah-Louise Oyelowo-Grant"),
                ("KEEP", "K9X4TT"),
            ],
        ),
        (
            "our test card is 4111 1111 1111 1111 and sandbox IBAN is DE89370400440532013000 - but the customer's real one is DE83598491978898980961, please mask it in the export",
            [
                ("KEEP", "4111 1111 1111 1111"),
                ("KEEP", "DE89370400440532013000"),
                ("IBAN", "DE83598491978898980961"),
            ],
        ),
        (
            "ok so the checksum is sha256:9b7c3e0a5d14f2e8b6a71c4d09e3f58a2b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e and the build id 0b953480-a628-44ec-ad1a-2db11bb2f27d, my token for the registry was rhiwbaVV-wqrFpqRnjE_",
            [
                ("KEEP", "sha256:9b7c3e0a5d14f2e8b6a71c4d09e3f58a2b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e"),
                ("KEEP", "0b953480-a628-44ec-ad1a-2db11bb2f27d"),
                ("SECRET", "rhiwbaVV-wqrFpqRnjE_"),
            ],
        ),
        (
            "Victoria, Alexa and Lisa are the three voice presets in v7; Georgia is the font. None of these are people. Our PM Jordan Okwuosa approved the copy.",
            [
                ("KEEP", "Victoria"),
                ("KEEP", "Alexa"),
                ("KEEP", "Lisa"),
                ("KEEP", "v7"),
                ("KEEP", "Georgia"),
                ("PERSON", "Jordan Okwuosa"),
            ],
        ),
        (
            "Hallo, mein Geburtstag ist am 9. Oktober 1993, nicht am 10. - der Vertrag beginnt am 1. Februar 2027. Mit freundlichen Grüßen, Leonie Baumgartner-Osei",
            [
                ("DATE_OF_BIRTH", "9. Oktober 1993"),
                ("KEEP", "1. Februar 2027"),
                ("PERSON", "Leonie Baumgartner-Osei"),
            ],
        ),
        (
            "Connect your account: set ANTHROPIC_API_KEY=<your key> or export it in ~/.zshrc. Docs: https://docs.anthropic.com/en/api/getting-started. My own key (sk-ant-api03-b1KfEzI79uVsGddsUK1zk89xzXetDnJ2R3EBLaXQ3d-0wvSMkcFpf-BJUMP_Cz8WfCkC0r65e-giq7ro3oBg4OtSIvmCFAA) keeps 401ing",
            [
                ("KEEP", "<your key>"),
                ("KEEP", "https://docs.anthropic.com/en/api/getting-started"),
                (
                    "SECRET",
                    "sk-ant-api03-b1KfEzI79uVsGddsUK1zk89xzXetDnJ2R3EBLaXQ3d-0wvSMkcFpf-BJUMP_Cz8WfCkC0r65e-giq7ro3oBg4OtSIvmCFAA",
                ),
            ],
        ),
        (
            "Use 127.0.0.1 or ::1 for local dev; the NAT gateway is 10.0.0.1. My home IP that got banned is 86.147.22.193 and my phone's is 2a00:23c7:8e81:6b01:4d2:9f1e:aa07:31c2.",
            [
                ("KEEP", "127.0.0.1"),
                ("IP_ADDRESS", "86.147.22.193"),
                ("IP_ADDRESS", "2a00:23c7:8e81:6b01:4d2:9f1e:aa07:31c2"),
            ],
        ),
        (
            "The Zoom link is zoom.us/j/84412907731?pwd=dvewGhL_0rcf-4I1lxZdeUC-Ww4 - passcode in the link. Host: Kiran Thapa.",
            [
                ("URL", "zoom.us/j/84412907731?pwd=dvewGhL_0rcf-4I1lxZdeUC-Ww4"),
                ("PERSON", "Kiran Thapa"),
            ],
        ),
        (
            "uuid 5e039aba-7701-4e43-baef-d437e1f05d15 belongs to user id 90211; do not confuse with ticket 90211-B. The user's email is h.gebremedhin@ethionet.et.",
            [
                ("KEEP", "5e039aba-7701-4e43-baef-d437e1f05d15"),
                ("KEEP", "90211-B"),
                ("EMAIL", "h.gebremedhin@ethionet.et"),
            ],
        ),
        (
            "Welkom bij Philips! Uw ordernummer is NL-2026-448120. Uw bezorgadres: Stationsweg 14, 2312 AV Leiden. Vragen? Bel 088 123 4567 (klantenservice).",
            [
                ("KEEP", "Philips"),
                ("KEEP", "NL-2026-448120"),
                ("STREET_ADDRESS", "Stationsweg 14, 2312 AV Leiden"),
            ],
        ),
        (
            "kya aap mera naam 'Gurpreet Kaur Sandhu' se 'Gurpreet Sandhu' kar sakte ho? aur mera PAN se linked phone 98150 27734 hai. order no. 402-8819921-7712",
            [
                ("PERSON", "Gurpreet Kaur Sandhu"),
                ("PERSON", "Gurpreet Sandhu"),
                ("PHONE", "98150 27734"),
                ("KEEP", "402-8819921-7712"),
            ],
        ),
        (
            "Lembrete: aniversário da Dona Conceição (minha avó) é 02/02/1941; reunião de condomínio 02/02/2027 às 19h. Endereço do salão: Rua Augusta, 2690, São Paulo - SP, 01412-100.",
            [
                ("PERSON", "Conceição"),
                ("DATE_OF_BIRTH", "02/02/1941"),
                ("KEEP", "02/02/2027"),
                ("STREET_ADDRESS", "Rua Augusta, 2690, São Paulo - SP, 01412-100"),
            ],
        ),
        (
            "Version 2.14.0-rc.1, build 20261204.3, commit a3f9c21. Tested on Ubuntu 24.04 and macOS 15. Reviewer: Bartholomew 'Bart' Achterberg.",
            [
                ("KEEP", "2.14.0-rc.1"),
                ("KEEP", "20261204.3"),
                ("KEEP", "a3f9c21"),
                ("KEEP", "Ubuntu 24.04"),
                ("PERSON", "Bartholomew 'Bart' Achterberg"),
            ],
        ),
        (
            "please deliver to my office instead: Unit 7, Riverside Business Park, 118 Mill Lane, Cardiff CF10 1FH, attn. DR. MARGARET O'CONNELL-ASANTE",
            [
                (
                    "STREET_ADDRESS",
                    "Unit 7, Riverside Business Park, 118 Mill Lane, Cardiff CF10 1FH",
                ),
                ("PERSON", "MARGARET O'CONNELL-ASANTE"),
            ],
        ),
        (
            "mera address update kar do: C-14, Lajpat Nagar II, New Delhi 110024. naam wahi hai, Sandeep Kumar Yadav. dob 11 nov 1989 hai, form mein galat hai",
            [
                ("STREET_ADDRESS", "C-14, Lajpat Nagar II, New Delhi 110024"),
                ("PERSON", "Sandeep Kumar Yadav"),
                ("DATE_OF_BIRTH", "11 nov 1989"),
            ],
        ),
        (
            "Ms. Tran's new address is 5521 Bellaire Blvd Ste 210, Houston, TX 77081. Her SSN 173-17-9014 must go on the W-9, not in Slack, per Dwayne.",
            [
                ("PERSON", "Tran"),
                ("STREET_ADDRESS", "5521 Bellaire Blvd Ste 210, Houston, TX 77081"),
                ("US_SSN", "173-17-9014"),
                ("PERSON", "Dwayne"),
            ],
        ),
        (
            "webhook failed: POST https://hooks.slack.com/services/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 returned 404 (channel archived by a.ogbu)",
            [
                (
                    "SECRET",
                    "https://hooks.slack.com/services/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",
                ),
                ("USERNAME", "a.ogbu"),
            ],
        ),
        (
            "cred dump from pentest (redact before report):\nadmin:Summer2026!\nj.mwangi:Kenya4ever\nbackup:QA_backup#11\nguest:guest",
            [
                ("SECRET", "Summer2026!"),
                ("USERNAME", "j.mwangi"),
                ("SECRET", "Kenya4ever"),
                ("SECRET", "QA_backup#11"),
            ],
        ),
        (
            'sf.setProperty("javax.net.ssl.keyStorePassword", "Ks-Pa55-Rotterdam");\nmailer.send("finance@kestrel.nl", "Robin van Persie-Jansen", body);',
            [("SECRET", "Ks-Pa55-Rotterdam"), ("PERSON", "Robin van Persie-Jansen")],
        ),
        (
            "env | grep -i key\nSTRIPE_KEY=sk_live_F7xsV0sVH7j2wqLPfKX0vZh1\nMAPS_KEY=AIzanAVVx1FKF6C-t-4YC8S2FZ8PoJa_9VR1_ub\nPUBLIC_KEY_PATH=/etc/ssl/certs/app.pem",
            [
                ("SECRET", "sk_live_F7xsV0sVH7j2wqLPfKX0vZh1"),
                ("SECRET", "AIzanAVVx1FKF6C-t-4YC8S2FZ8PoJa_9VR1_ub"),
                ("KEEP", "/etc/ssl/certs/app.pem"),
            ],
        ),
        (
            "Authorization: Basic cmFmYWVsOlBvcnRvQWxlZ3JlMjAyNg==\nX-Api-Key: 1nFJGC_7pEKyr3_q\nUser-Agent: okhttp/4.12.0",
            [
                ("SECRET", "cmFmYWVsOlBvcnRvQWxlZ3JlMjAyNg=="),
                ("SECRET", "1nFJGC_7pEKyr3_q"),
                ("KEEP", "okhttp/4.12.0"),
            ],
        ),
        (
            'firebase.initializeApp({ apiKey: "AIzanAVVx1FKF6C-t-4YC8S2FZ8PoJa_9VR1_ub", authDomain: "kestrel-prod.firebaseapp.com", projectId: "kestrel-prod" });',
            [("SECRET", "AIzanAVVx1FKF6C-t-4YC8S2FZ8PoJa_9VR1_ub"), ("KEEP", "kestrel-prod")],
        ),
        (
            "ssh -i ~/.ssh/id_ed25519 -o ProxyCommand='ssh -W %h:%p jump@52.214.9.183' ubuntu@172.31.40.7\n# passphrase for the key: correct-horse-battery-staple-27",
            [
                ("IP_ADDRESS", "52.214.9.183"),
                ("IP_ADDRESS", "172.31.40.7"),
                ("SECRET", "correct-horse-battery-staple-27"),
            ],
        ),
        (
            "Hi Ms Obiageli Nwachukwu, your appointment is at 14 Harley Street, London W1G 9PQ on Tue 9 Dec. Reply STOP to opt out. Ref 44120.",
            [("PERSON", "Obiageli Nwachukwu"), ("KEEP", "Tue 9 Dec"), ("KEEP", "44120")],
        ),
        (
            "pls send the forms to my mum: Mrs Comfort Asante, 3/2 Leith Walk, Edinburgh EH6 8NH. her mobile 07512 339 804. her birthday's 6 feb 1958 if they ask",
            [
                ("PERSON", "Comfort Asante"),
                ("STREET_ADDRESS", "3/2 Leith Walk, Edinburgh EH6 8NH"),
                ("PHONE", "07512 339 804"),
                ("DATE_OF_BIRTH", "6 feb 1958"),
            ],
        ),
        (
            "Lieber Herr Çakır, Ihre neue Adresse (Karl-Marx-Allee 93a, 10243 Berlin) ist gespeichert. Ihr Kundenkonto: KD-88412. Ihr Passwort bleibt unverändert.",
            [
                ("PERSON", "Çakır"),
                ("STREET_ADDRESS", "Karl-Marx-Allee 93a, 10243 Berlin"),
                ("KEEP", "KD-88412"),
            ],
        ),
        (
            "Envoyer le colis à : SARL Boulangerie Koné, 9 rue Oberkampf, 75011 Paris, à l'attention de Moussa Koné (gérant). Tél 01 43 57 22 90.",
            [
                ("KEEP", "SARL Boulangerie Koné"),
                ("PERSON", "Moussa Koné"),
                ("PHONE", "01 43 57 22 90"),
            ],
        ),
        (
            "yo its big mike (michael adeyemi-jones) - new place is 88 Peachtree Hills Ave NE, Atlanta GA 30305. born 7/4/1990 so yes i'm a 4th of july baby lol",
            [
                ("PERSON", "big mike"),
                ("PERSON", "michael adeyemi-jones"),
                ("STREET_ADDRESS", "88 Peachtree Hills Ave NE, Atlanta GA 30305"),
                ("DATE_OF_BIRTH", "7/4/1990"),
            ],
        ),
    ],
    "G-held": [
        (
            "Customer: hey so my login stopped working after the 4.12.1 update\nAgent (Marisol): Sorry about that! Can you confirm the email on the account?\nCustomer: its tanvir.hossain88@gmail.com\nCustomer: oh and i tried resetting, the new pw is Dhaka#Rain2024 if that helps",
            [
                ("KEEP", "4.12.1"),
                ("PERSON", "Marisol"),
                ("EMAIL", "tanvir.hossain88@gmail.com"),
                ("SECRET", "Dhaka#Rain2024"),
            ],
        ),
        (
            "hola, soy Ximena Quispe Mamani. El pedido #ES-20931 llegó roto. Vivo en Calle de Toledo 58, 3º izq., 28005 Madrid. Mi móvil: +34 612 48 90 17",
            [
                ("PERSON", "Ximena Quispe Mamani"),
                ("KEEP", "#ES-20931"),
                ("STREET_ADDRESS", "Calle de Toledo 58, 3º izq., 28005 Madrid"),
                ("PHONE", "+34 612 48 90 17"),
            ],
        ),
        (
            "bonjour, je m'appelle Aïssatou Diallo, j'ai déménagé au 17 rue des Tanneurs, 67000 Strasbourg. Merci de mettre à jour l'adresse de livraison. Tél 06 12 48 97 33",
            [
                ("PERSON", "Aïssatou Diallo"),
                ("STREET_ADDRESS", "17 rue des Tanneurs, 67000 Strasbourg"),
                ("PHONE", "06 12 48 97 33"),
            ],
        ),
        (
            "ciao! sono giulia de santis, il corriere non trova il citofono. indirizzo: Via Garibaldi 23, 40124 Bologna (BO), scala B. cell 347 218 9054",
            [
                ("PERSON", "giulia de santis"),
                ("STREET_ADDRESS", "Via Garibaldi 23, 40124 Bologna (BO)"),
                ("PHONE", "347 218 9054"),
            ],
        ),
        (
            "hoi, mijn naam is Sanne van der Berg-Okoro. Nieuw adres: Van Speijkstraat 118-2, 1057 HB Amsterdam. Bel gerust 06-41827395",
            [
                ("PERSON", "Sanne van der Berg-Okoro"),
                ("STREET_ADDRESS", "Van Speijkstraat 118-2, 1057 HB Amsterdam"),
                ("PHONE", "06-41827395"),
            ],
        ),
        (
            "bhai mera naam Arjun Mehrotra hai, parcel abhi tak nahi aaya. address hai Flat 302, Sai Krupa Apartments, 4th Cross, Malleshwaram, Bengaluru 560003. call karo +91 98450 31276",
            [
                ("PERSON", "Arjun Mehrotra"),
                (
                    "STREET_ADDRESS",
                    "Flat 302, Sai Krupa Apartments, 4th Cross, Malleshwaram, Bengaluru 560003",
                ),
                ("PHONE", "+91 98450 31276"),
            ],
        ),
        (
            "hey! ship to 2218 N Kedzie Ave Apt 3, Chicago, IL 60647 pls. my name's dmitri volkov-harris and my cell is (773) 408-2916",
            [
                ("STREET_ADDRESS", "2218 N Kedzie Ave Apt 3, Chicago, IL 60647"),
                ("PERSON", "dmitri volkov-harris"),
                ("PHONE", "(773) 408-2916"),
            ],
        ),
        (
            "Agent: What's the best number to reach you?\nCustomer: +44 7911 482630, or my wife Priyanka on +44 7700 183 552\nAgent: noted, thanks Mr Chaudhary",
            [
                ("PHONE", "+44 7911 482630"),
                ("PERSON", "Priyanka"),
                ("PHONE", "+44 7700 183 552"),
                ("PERSON", "Chaudhary"),
            ],
        ),
        (
            'support@ ticket #44910\nfrom: Mohammed Al-Farsi\n"please delete my account, you can verify me with my ssn 336-59-1540. thx"',
            [("KEEP", "#44910"), ("PERSON", "Mohammed Al-Farsi"), ("US_SSN", "336-59-1540")],
        ),
        (
            "Cliente: Buenas, soy María José Etxeberria Goikoetxea. Quiero cambiar la cuenta de domiciliación a ES4278050719269941892965.\nAgente: Perfecto María José, lo tramito hoy.",
            [
                ("PERSON", "María José Etxeberria Goikoetxea"),
                ("IBAN", "ES4278050719269941892965"),
                ("PERSON", "María José"),
            ],
        ),
        (
            "Customer (Li Wei): order arrived but the charger is for the EU plug, I'm in Victoria, BC\nAgent: Sorry Li! I'll send a swap for order 300-7781923-441.",
            [
                ("PERSON", "Li Wei"),
                ("KEEP", "Victoria, BC"),
                ("PERSON", "Li"),
                ("KEEP", "300-7781923-441"),
            ],
        ),
        (
            "Bonjour, c'est Jean-Baptiste N'Guessan. Mon RIB : FR0693145386447A4GREZ1ELG24. Ma date de naissance : 21/04/1979. Merci",
            [
                ("PERSON", "Jean-Baptiste N'Guessan"),
                ("IBAN", "FR0693145386447A4GREZ1ELG24"),
                ("DATE_OF_BIRTH", "21/04/1979"),
            ],
        ),
        (
            "Guest: hey this is ama. my colleague efua mensah-bonsu said to ask for Harper about the enterprise plan?\nAgent: Harper is our onboarding assistant, happy to help!",
            [("PERSON", "ama"), ("PERSON", "efua mensah-bonsu"), ("KEEP", "Harper")],
        ),
        (
            "hi i'm the admin for acme-labs, our github is github.com/acme-labs but my personal one is github.com/thandeka-ndlovu, pls add me as owner",
            [("KEEP", "github.com/acme-labs"), ("URL", "github.com/thandeka-ndlovu")],
        ),
        (
            "klant: ik ben Daan Hoekstra, mijn IBAN is NL82QONK5643226247, het abonnement Robin Premium wil ik opzeggen per 1 januari.",
            [
                ("PERSON", "Daan Hoekstra"),
                ("IBAN", "NL82QONK5643226247"),
                ("KEEP", "Robin Premium"),
                ("KEEP", "1 januari"),
            ],
        ),
        (
            "Ticket ZD-30918 | Requester: h.yamamoto@kanshi-trading.co.jp | Assignee: Petra Novaková\nCustomer reports invoice INV-2026-0442 shows wrong VAT. Escalated to billing (Conrad).",
            [
                ("KEEP", "ZD-30918"),
                ("EMAIL", "h.yamamoto@kanshi-trading.co.jp"),
                ("PERSON", "Petra Novaková"),
                ("KEEP", "INV-2026-0442"),
                ("PERSON", "Conrad"),
            ],
        ),
        (
            "-- \nAnjali Venkataraman\nSenior Counsel, Legal Ops\nM: +91 99001 27384 | anjali.v@tatvam-legal.in\nPrestige Tech Park, Outer Ring Road, Bengaluru\nThis e-mail is confidential.",
            [
                ("PERSON", "Anjali Venkataraman"),
                ("PHONE", "+91 99001 27384"),
                ("EMAIL", "anjali.v@tatvam-legal.in"),
            ],
        ),
        (
            "Von: Katarzyna Wiśniewska-Brandt <k.wisniewska@heimwerk24.de>\nAn: Buchhaltung\nBetreff: Gutschrift 77120\n\nHallo zusammen, bitte die Gutschrift auf DE74581024812015967017 überweisen.\nViele Grüße\nKatarzyna Wiśniewska-Brandt\nTel. +49 30 2045 8817",
            [
                ("PERSON", "Katarzyna Wiśniewska-Brandt"),
                ("EMAIL", "k.wisniewska@heimwerk24.de"),
                ("KEEP", "77120"),
                ("IBAN", "DE74581024812015967017"),
                ("PHONE", "+49 30 2045 8817"),
            ],
        ),
        (
            "De : Lucie Marchand-Ba <lucie.marchand@orange.fr>\nÀ : service-client\nObjet : résiliation\n\nMadame, Monsieur,\nje souhaite résilier le contrat n° C-4471-22. Adresse : 8 allée des Cerisiers, 44300 Nantes.\nCordialement,\nL. Marchand-Ba",
            [
                ("PERSON", "Lucie Marchand-Ba"),
                ("EMAIL", "lucie.marchand@orange.fr"),
                ("KEEP", "C-4471-22"),
                ("STREET_ADDRESS", "8 allée des Cerisiers, 44300 Nantes"),
                ("PERSON", "L. Marchand-Ba"),
            ],
        ),
        (
            "From: noreply@shopwave.com\nTo: vusi.dlamini@webmail.co.za\nSubject: Your password was changed\n\nHi Vusi, your new temporary password is Kx7!pLm2qR. Sign in at https://shopwave.com/login",
            [
                ("EMAIL", "vusi.dlamini@webmail.co.za"),
                ("PERSON", "Vusi"),
                ("SECRET", "Kx7!pLm2qR"),
                ("KEEP", "https://shopwave.com/login"),
            ],
        ),
        (
            "Thanks,\n\n**Oksana Hrytsenko** | Head of Data\nKyivstar Digital\ncal: https://calendly.com/oksana-hrytsenko/intro-call\ngh: https://github.com/ohrytsenko",
            [
                ("PERSON", "Oksana Hrytsenko"),
                ("URL", "https://calendly.com/oksana-hrytsenko/intro-call"),
                ("URL", "https://github.com/ohrytsenko"),
            ],
        ),
        (
            "On Tue, 4 Nov 2026 at 09:12, Sipho Mahlangu <sipho@mahlangu.co.za> wrote:\n> can you send me the report again?\n\nSure Sipho, attached. - Ines",
            [
                ("KEEP", "4 Nov 2026"),
                ("PERSON", "Sipho Mahlangu"),
                ("EMAIL", "sipho@mahlangu.co.za"),
                ("PERSON", "Sipho"),
                ("PERSON", "Ines"),
            ],
        ),
        (
            "Asunto: Factura pendiente\nDe: Alejandro Ruiz de la Fuente <aruiz@construcciones-ruiz.es>\n\nBuenos días, adjunto el justificante. Saludos,\nAlejandro\nTel. 91 448 32 17",
            [
                ("PERSON", "Alejandro Ruiz de la Fuente"),
                ("EMAIL", "aruiz@construcciones-ruiz.es"),
                ("PERSON", "Alejandro"),
                ("PHONE", "91 448 32 17"),
            ],
        ),
        (
            "Met vriendelijke groet,\n\nFemke de Vries\nAccountmanager | Noordzee Installatietechniek\nT 010 - 482 91 37\nHavenstraat 12, 3011 AJ Rotterdam",
            [
                ("PERSON", "Femke de Vries"),
                ("KEEP", "Noordzee Installatietechniek"),
                ("PHONE", "010 - 482 91 37"),
            ],
        ),
        (
            "lead source: webinar 2026-10-14. attendee: ravi shankar pillai. notes: asked about SSO with Okta; shared docs https://docs.zenlytics.io/sso/okta. wants call w/ engineer.",
            [
                ("KEEP", "2026-10-14"),
                ("PERSON", "ravi shankar pillai"),
                ("KEEP", "https://docs.zenlytics.io/sso/okta"),
            ],
        ),
        (
            "salesforce activity: call w/ JOHNSON-MBEKI, T. (cfo) -> sent quote Q-8812. His assistant Lerato picks up on 011 482 3390.",
            [
                ("PERSON", "JOHNSON-MBEKI, T."),
                ("KEEP", "Q-8812"),
                ("PERSON", "Lerato"),
                ("PHONE", "011 482 3390"),
            ],
        ),
        (
            "Note by agent svetlana: cust. Igor Petrovich Smirnov called re: passport renewal appointment. He was born 17.06.1962 in Tver. Cb on +7 916 402-18-77.",
            [
                ("PERSON", "svetlana"),
                ("PERSON", "Igor Petrovich Smirnov"),
                ("DATE_OF_BIRTH", "17.06.1962"),
                ("PHONE", "+7 916 402-18-77"),
            ],
        ),
        (
            "pipedrive: deal 'Sofia Hotels rollout' stage=proposal. contact Mateus Oliveira Barros (mateus.barros@sofiahoteis.com.br). Next step: demo on 2026-12-15.",
            [
                ("KEEP", "Sofia Hotels"),
                ("PERSON", "Mateus Oliveira Barros"),
                ("EMAIL", "mateus.barros@sofiahoteis.com.br"),
                ("KEEP", "2026-12-15"),
            ],
        ),
        (
            "ticket merged into #90211. customer: 'KIM Ji-woo'. she sent her card 3773 269577 24366 in plain text, redact before export.",
            [("KEEP", "#90211"), ("PERSON", "KIM Ji-woo"), ("CREDIT_CARD", "3773 269577 24366")],
        ),
        (
            'intercom: user_id=48812 name="Tomás Ó Briain" email=tomas.obriain@eircom.net plan=Teams seats=12 last_seen=2026-12-01',
            [
                ("KEEP", "48812"),
                ("PERSON", "Tomás Ó Briain"),
                ("EMAIL", "tomas.obriain@eircom.net"),
                ("KEEP", "2026-12-01"),
            ],
        ),
        (
            "HR record\nEmployee: Nwachukwu, Chiamaka Blessing\nEmp ID: E-20419\nDOB: 1994-08-23\nSSN: 523-83-9992\nHome: 1187 Peachtree St NE, Unit 804, Atlanta, GA 30309\nStart date: 2025-01-06",
            [
                ("PERSON", "Nwachukwu, Chiamaka Blessing"),
                ("KEEP", "E-20419"),
                ("DATE_OF_BIRTH", "1994-08-23"),
                ("US_SSN", "523-83-9992"),
                ("STREET_ADDRESS", "1187 Peachtree St NE, Unit 804, Atlanta, GA 30309"),
                ("KEEP", "2025-01-06"),
            ],
        ),
        (
            "Claim CLM-778120\nPolicyholder: Mrs Precious Mwangi\nIncident: rear-ended on A40 near Acton, 2026-10-30\nAddress: Flat 4, 22 Uxbridge Road, London W12 8LR\nPhone: 020 8743 1196",
            [
                ("KEEP", "CLM-778120"),
                ("PERSON", "Precious Mwangi"),
                ("KEEP", "2026-10-30"),
                ("STREET_ADDRESS", "Flat 4, 22 Uxbridge Road, London W12 8LR"),
                ("PHONE", "020 8743 1196"),
            ],
        ),
        (
            "Booking ref QX7P2L\nPassenger: MS ABIGAIL FERNANDES-COSTA\nFlight TP1357 LIS-GRU 14DEC\nFOID: passport\nContact: +351 912 847 306, abby.fc@sapo.pt",
            [
                ("KEEP", "QX7P2L"),
                ("PERSON", "ABIGAIL FERNANDES-COSTA"),
                ("KEEP", "TP1357"),
                ("PHONE", "+351 912 847 306"),
                ("EMAIL", "abby.fc@sapo.pt"),
            ],
        ),
        (
            "1:1 w/ my manager (tobi) - he wants me to shadow Ingrid on the Lisa migration. reminder: my perf review is 2026-12-18, not my bday lol (that's 1996-05-02)",
            [
                ("PERSON", "tobi"),
                ("PERSON", "Ingrid"),
                ("KEEP", "Lisa"),
                ("KEEP", "2026-12-18"),
                ("DATE_OF_BIRTH", "1996-05-02"),
            ],
        ),
        (
            "offer letter draft: Dear Siddharth, we are pleased to offer you the role of Data Engineer at a base of INR 28,00,000. Please sign by 20 Dec. Your PAN and bank details go to hr-ops, not here.",
            [("PERSON", "Siddharth"), ("KEEP", "20 Dec")],
        ),
        (
            "Retro notes\n* what went well: Sofia rollout (the app, not the city)\n* what didn't: pager woke up Nnamdi 3x\n* actions: @yuki.tanaka to tune alerts; Beatriz to write runbook",
            [
                ("KEEP", "Sofia"),
                ("PERSON", "Nnamdi"),
                ("USERNAME", "@yuki.tanaka"),
                ("PERSON", "Beatriz"),
            ],
        ),
        (
            "Hotel confirmation 884120533\nGuest: Ms. Ayesha Siddiqui + 1 (Mr. Imran Siddiqui)\nCheck-in 22 Dec 2026, The Victoria Hotel, Room 412\nCard on file: 5380 6002 1477 1079",
            [
                ("KEEP", "884120533"),
                ("PERSON", "Ayesha Siddiqui"),
                ("PERSON", "Imran Siddiqui"),
                ("KEEP", "22 Dec 2026"),
                ("KEEP", "The Victoria Hotel"),
                ("CREDIT_CARD", "5380 6002 1477 1079"),
            ],
        ),
        (
            "Afspraak huisarts\nPatiënt: mevr. J.M. (Joke) Verhoeven-de Graaf\nGeboortedatum: 07-10-1948\nAdres: Kerkstraat 3, 5261 CC Vught\nTel: 073-6571842",
            [
                ("PERSON", "J.M. (Joke) Verhoeven-de Graaf"),
                ("DATE_OF_BIRTH", "07-10-1948"),
                ("STREET_ADDRESS", "Kerkstraat 3, 5261 CC Vught"),
                ("PHONE", "073-6571842"),
            ],
        ),
        (
            "Ficha de empleado\nNombre: Camila Andrea Restrepo Vélez\nFecha de nacimiento: 02/09/1992\nDomicilio: Avenida de la Constitución 14, 2ºB, 41001 Sevilla\nTeléfono: 654 39 82 11",
            [
                ("PERSON", "Camila Andrea Restrepo Vélez"),
                ("DATE_OF_BIRTH", "02/09/1992"),
                ("STREET_ADDRESS", "Avenida de la Constitución 14, 2ºB, 41001 Sevilla"),
                ("PHONE", "654 39 82 11"),
            ],
        ),
        (
            "Leave request: Kavya Reddy, 23-27 Dec (sister's wedding in Hyderabad). Backup: Pradeep. Contact during leave: 9849012773.",
            [
                ("PERSON", "Kavya Reddy"),
                ("KEEP", "23-27 Dec"),
                ("KEEP", "Hyderabad"),
                ("PERSON", "Pradeep"),
                ("PHONE", "9849012773"),
            ],
        ),
        (
            "travel approval\ntraveller: Erdenebat Gantulga\nroute: ULN-FRA-ORD, 9-16 Jan\napprover: d.mcallister\nfrequent flyer: LH 992 004 183 77",
            [
                ("PERSON", "Erdenebat Gantulga"),
                ("KEEP", "ULN-FRA-ORD"),
                ("USERNAME", "d.mcallister"),
                ("KEEP", "9-16 Jan"),
            ],
        ),
        (
            "Onboarding checklist for marisa.lopes (start Mon):\n[x] laptop\n[x] Okta, initial pw Welcome-4829-Lopes\n[ ] buddy: Tunde\n[ ] add to #team-atlas",
            [
                ("USERNAME", "marisa.lopes"),
                ("SECRET", "Welcome-4829-Lopes"),
                ("PERSON", "Tunde"),
                ("KEEP", "#team-atlas"),
            ],
        ),
        (
            "care plan update: mr. hussain (room 12, DOB 4 april 1940) - daughter Nadia visiting Sundays; son Faisal is emergency contact 07400 128 991.",
            [
                ("PERSON", "hussain"),
                ("DATE_OF_BIRTH", "4 april 1940"),
                ("PERSON", "Nadia"),
                ("PERSON", "Faisal"),
                ("PHONE", "07400 128 991"),
            ],
        ),
        (
            "Volo AZ 610 FCO-JFK, 18/12. Passeggeri: ROSSI/MARTINA MS, ROSSI/LEONARDO MSTR (nato 2019-06-14). Prenotazione WQZ8RT.",
            [
                ("KEEP", "AZ 610"),
                ("KEEP", "18/12"),
                ("PERSON", "ROSSI/MARTINA"),
                ("PERSON", "ROSSI/LEONARDO"),
                ("DATE_OF_BIRTH", "2019-06-14"),
                ("KEEP", "WQZ8RT"),
            ],
        ),
        (
            "Quarterly OKR sync - Paris office\nOwners: Mathilde (growth), Kenji (infra), Ngozi (sales)\nDecision: sunset Alexa skill by Q2; keep Cortana integration.",
            [
                ("KEEP", "Paris"),
                ("PERSON", "Mathilde"),
                ("PERSON", "Kenji"),
                ("PERSON", "Ngozi"),
                ("KEEP", "Alexa"),
                ("KEEP", "Cortana"),
            ],
        ),
        (
            "| Name | Role | Birthday |\n|---|---|---|\n| Zanele Khumalo | QA | 1990-02-17 |\n| Ilya Sokolov | Backend | 1985-11-30 |\n| Grace Hopper (room) | meeting room | - |",
            [
                ("PERSON", "Zanele Khumalo"),
                ("DATE_OF_BIRTH", "1990-02-17"),
                ("PERSON", "Ilya Sokolov"),
                ("DATE_OF_BIRTH", "1985-11-30"),
                ("KEEP", "Grace Hopper (room)"),
            ],
        ),
        (
            'employee:\n  name: Mariam Tadesse\n  title: SRE\n  github: https://github.com/mtadesse\n  phone: "+251 91 123 4786"\n  laptop: MBP-2291\n  manager: hoang.linh',
            [
                ("PERSON", "Mariam Tadesse"),
                ("URL", "https://github.com/mtadesse"),
                ("PHONE", "+251 91 123 4786"),
                ("KEEP", "MBP-2291"),
                ("USERNAME", "hoang.linh"),
            ],
        ),
        (
            "name\tdept\tdesk_phone\tip\nBarış Öztürk\tnetops\t+90 212 448 9120\t10.20.4.118\nNomvula Sithole\tfinance\t+27 21 448 0931\t10.20.4.221",
            [
                ("PERSON", "Barış Öztürk"),
                ("PHONE", "+90 212 448 9120"),
                ("IP_ADDRESS", "10.20.4.118"),
                ("PERSON", "Nomvula Sithole"),
                ("PHONE", "+27 21 448 0931"),
                ("IP_ADDRESS", "10.20.4.221"),
            ],
        ),
        (
            "nachname;vorname;strasse;plz;ort;geburtsdatum\nHoffmann;Jürgen;Am Mühlbach 12;88131;Lindau;03.05.1966\nKowalczyk;Agnieszka;Schillerstr. 40;04109;Leipzig;22.12.1989",
            [
                ("PERSON", "Hoffmann"),
                ("PERSON", "Jürgen"),
                ("STREET_ADDRESS", "Am Mühlbach 12"),
                ("DATE_OF_BIRTH", "03.05.1966"),
                ("PERSON", "Kowalczyk"),
                ("PERSON", "Agnieszka"),
                ("STREET_ADDRESS", "Schillerstr. 40"),
                ("DATE_OF_BIRTH", "22.12.1989"),
            ],
        ),
        (
            "| ticket | customer | issue | status |\n|---|---|---|---|\n| 5512 | shreya ghoshal-iyer | refund | open |\n| 5513 | THEO NAKAMURA | login | closed |\n| 5514 | Alexa device | n/a | spam |",
            [
                ("KEEP", "5512"),
                ("PERSON", "shreya ghoshal-iyer"),
                ("KEEP", "5513"),
                ("PERSON", "THEO NAKAMURA"),
                ("KEEP", "Alexa"),
            ],
        ),
        (
            '<Order number="PO-44120">\n  <ShipTo>\n    <Name>Ms Harriet Appiah-Kubi</Name>\n    <Street>27 Cranbrook Road</Street>\n    <City>Ilford</City>\n    <Postcode>IG1 4PU</Postcode>\n  </ShipTo>\n</Order>',
            [
                ("KEEP", "PO-44120"),
                ("PERSON", "Harriet Appiah-Kubi"),
                ("STREET_ADDRESS", "27 Cranbrook Road"),
            ],
        ),
        (
            "apiVersion: v1\nkind: Secret\nmetadata:\n  name: payments-stripe\nstringData:\n  STRIPE_SECRET_KEY: rk_live_2bWgeKrDftRtfwzpHi5wosJQ\n  STRIPE_WEBHOOK_SECRET: whsec_Wtyu0QdpTfnjwba5foiS13oW4bas66nW",
            [
                ("KEEP", "payments-stripe"),
                ("SECRET", "rk_live_2bWgeKrDftRtfwzpHi5wosJQ"),
                ("SECRET", "whsec_Wtyu0QdpTfnjwba5foiS13oW4bas66nW"),
            ],
        ),
        (
            '{"config": {"openai_api_key": "sk-proj-wHuTqZYSWVL2nZHSSwfXWgh6FhSWW5L_go_5igj_94jELq90", "anthropic_api_key": "your-api-key-here", "model": "gpt-4o-mini", "temperature": 0.2}}',
            [
                ("SECRET", "sk-proj-wHuTqZYSWVL2nZHSSwfXWgh6FhSWW5L_go_5igj_94jELq90"),
                ("KEEP", "your-api-key-here"),
                ("KEEP", "gpt-4o-mini"),
            ],
        ),
        (
            "- name: deploy\n  env:\n    SLACK_BOT_TOKEN: xoxb-184263744387-3802232832150-97bW6bXWl2hO0jtdkIRGUze2\n    DB_PASSWORD: ${DB_PASSWORD}\n    SENTRY_DSN: https://docs.sentry.io/platforms/python/",
            [
                ("SECRET", "xoxb-184263744387-3802232832150-97bW6bXWl2hO0jtdkIRGUze2"),
                ("KEEP", "${DB_PASSWORD}"),
                ("KEEP", "https://docs.sentry.io/platforms/python/"),
            ],
        ),
        (
            '<?xml version="1.0"?>\n<smtp>\n  <host>smtp.mailgun.org</host>\n  <user>postmaster@mg.kestrel-apps.com</user>\n  <pass>key-b438fcec1e720d2e92863649f3d3971e</pass>\n</smtp>',
            [("KEEP", "smtp.mailgun.org"), ("SECRET", "key-b438fcec1e720d2e92863649f3d3971e")],
        ),
        (
            "user_id\tusername\tlast_login_ip\tcreated\n5e039aba-7701-4e43-baef-d437e1f05d15\tdarkstar_jules\t81.214.77.132\t2025-06-01\n806a0b52-9f84-44cc-bb0c-80f320087485\tmina.r\t172.16.0.44\t2025-07-19",
            [
                ("KEEP", "5e039aba-7701-4e43-baef-d437e1f05d15"),
                ("USERNAME", "darkstar_jules"),
                ("IP_ADDRESS", "81.214.77.132"),
                ("KEEP", "2025-06-01"),
                ("KEEP", "806a0b52-9f84-44cc-bb0c-80f320087485"),
                ("USERNAME", "mina.r"),
                ("IP_ADDRESS", "172.16.0.44"),
                ("KEEP", "2025-07-19"),
            ],
        ),
        (
            "| Env | Key | Value |\n|---|---|---|\n| prod | SENDGRID_API_KEY | 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 |\n| staging | SENDGRID_API_KEY | <your-sendgrid-key> |",
            [
                ("SECRET", "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"),
                ("KEEP", "<your-sendgrid-key>"),
            ],
        ),
        (
            '{"aws": {"region": "eu-west-1", "accessKeyId": "AKIADGR3B2TGR7HJDEB2", "secretAccessKey": "bCK+CAVKLJ12dkUkb3UqBuANubeEV9lcmVApt47a"}, "example": {"accessKeyId": "AKIAIOSFODNN7EXAMPLE"}}',
            [
                ("SECRET", "AKIADGR3B2TGR7HJDEB2"),
                ("SECRET", "bCK+CAVKLJ12dkUkb3UqBuANubeEV9lcmVApt47a"),
                ("KEEP", "AKIAIOSFODNN7EXAMPLE"),
            ],
        ),
        (
            "<contact>\n  <nome>Bruna Cavalcanti</nome>\n  <endereco>Rua Oscar Freire, 379 - Jardins, São Paulo - SP, 01426-001</endereco>\n  <nascimento>1986-10-03</nascimento>\n</contact>",
            [
                ("PERSON", "Bruna Cavalcanti"),
                ("STREET_ADDRESS", "Rua Oscar Freire, 379 - Jardins, São Paulo - SP, 01426-001"),
                ("DATE_OF_BIRTH", "1986-10-03"),
            ],
        ),
        (
            "| Fahrer | Kennzeichen | Handy |\n|---|---|---|\n| Mustafa Demir | HH-MD 4412 | 0152 2840 9917 |\n| Jelena Marković | HH-JM 208 | 0173 5501 2284 |",
            [
                ("PERSON", "Mustafa Demir"),
                ("PHONE", "0152 2840 9917"),
                ("PERSON", "Jelena Marković"),
                ("PHONE", "0173 5501 2284"),
            ],
        ),
        (
            'Traceback (most recent call last):\n  File "/home/abimbola/projects/payroll/run.py", line 42, in <module>\n    conn = psycopg2.connect(host="10.8.0.14", user="payroll", password="Qz8$wLp3!nR6")\npsycopg2.OperationalError: connection refused',
            [("PERSON", "abimbola"), ("IP_ADDRESS", "10.8.0.14"), ("SECRET", "Qz8$wLp3!nR6")],
        ),
        (
            'System.setProperty("STRIPE_TOKEN", "sk_live_F7xsV0sVH7j2wqLPfKX0vZh1");\nSystem.setProperty("MAIL_USER", "ops@lumen-freight.com");\nlog.info("config loaded for {}", "Kateryna Bondarenko");',
            [("SECRET", "sk_live_F7xsV0sVH7j2wqLPfKX0vZh1"), ("PERSON", "Kateryna Bondarenko")],
        ),
        (
            "# ~/.pgpass\n10.12.0.5:5432:analytics:marek_k:Wawel#1999-pg\n# ~/.netrc\nmachine api.heroku.com login marek.kowalski@zelazny.pl password 85ffc1f37ebf3d155b8f4e5c8733e3bdbe8e27ab",
            [
                ("IP_ADDRESS", "10.12.0.5"),
                ("USERNAME", "marek_k"),
                ("SECRET", "Wawel#1999-pg"),
                ("EMAIL", "marek.kowalski@zelazny.pl"),
                ("SECRET", "85ffc1f37ebf3d155b8f4e5c8733e3bdbe8e27ab"),
            ],
        ),
        (
            "Dec 04 09:14:22 bastion sshd[22817]: Accepted publickey for ubuntu from 2001:4860:7:110e::d6 port 51522 ssh2\nDec 04 09:15:01 bastion sudo: ubuntu : TTY=pts/0 ; PWD=/home/ubuntu ; COMMAND=/usr/bin/apt upgrade",
            [("IP_ADDRESS", "2001:4860:7:110e::d6")],
        ),
        (
            'curl -X POST https://api.sendgrid.com/v3/mail/send \\\n  -H "Authorization: Bearer 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" \\\n  -d \'{"to":"liang.qiu@163.com"}\'',
            [
                ("SECRET", "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"),
                ("EMAIL", "liang.qiu@163.com"),
            ],
        ),
        (
            "npm ERR! 401 Unauthorized - GET https://registry.npmjs.org/@acme%2fui\nnpm ERR! token used: npm_bk8V4rOZslhp0mhBRUKo4rPpO2psLk7wKo35\nnpm ERR! A complete log of this run can be found in: /Users/nkechi.obi/.npm/_logs/2026-12-05T10_21_09_331Z-debug-0.log",
            [("SECRET", "npm_bk8V4rOZslhp0mhBRUKo4rPpO2psLk7wKo35"), ("USERNAME", "nkechi.obi")],
        ),
        (
            'level=warn ts=2026-12-03T22:41:07Z caller=proxy.go:118 msg="upstream timeout" client=/192.168.40.12:60214 upstream=10.96.0.10:53 user=sana.mirza',
            [
                ("KEEP", "2026-12-03T22:41:07Z"),
                ("KEEP", "proxy.go:118"),
                ("IP_ADDRESS", "192.168.40.12"),
                ("IP_ADDRESS", "10.96.0.10"),
                ("USERNAME", "sana.mirza"),
            ],
        ),
        (
            "ERROR 2026-12-06 03:00:12 backup.sh: rsync to backup@[fd12:3456:789a:1::42]:/srv/backups failed (code 23)\nINFO  retrying via 10.1.1.250",
            [
                ("KEEP", "2026-12-06 03:00:12"),
                ("IP_ADDRESS", "fd12:3456:789a:1::42"),
                ("IP_ADDRESS", "10.1.1.250"),
            ],
        ),
        (
            '  File "/srv/app/views.py", line 77, in checkout\n    raise ValueError(f"bad card for {user}")\nValueError: bad card for Olusegun Adeyemi-Cole <segun.ac@yahoo.co.uk> (card 6011454837247124)',
            [
                ("PERSON", "Olusegun Adeyemi-Cole"),
                ("EMAIL", "segun.ac@yahoo.co.uk"),
                ("CREDIT_CARD", "6011454837247124"),
            ],
        ),
        (
            'GET /api/v1/export?token=272368dc989baa20b8951ae88d22dae1&user=zoran.petrovic HTTP/1.1" 200 18842 "-" "Mozilla/5.0" rt=0.412 remote=/10.244.3.19',
            [
                ("SECRET", "272368dc989baa20b8951ae88d22dae1"),
                ("USERNAME", "zoran.petrovic"),
                ("IP_ADDRESS", "10.244.3.19"),
            ],
        ),
        (
            'requests.post("https://api.mailgun.net/v3/mg.example.com/messages", auth=("api", "key-b438fcec1e720d2e92863649f3d3971e"), data={"to": "Sunita Bhattarai <sunita.b@wlink.com.np>"})',
            [
                ("SECRET", "key-b438fcec1e720d2e92863649f3d3971e"),
                ("PERSON", "Sunita Bhattarai"),
                ("EMAIL", "sunita.b@wlink.com.np"),
            ],
        ),
        (
            "$ aws configure\nAWS Access Key ID [None]: AKIADXAVNASFI4O62J6H\nAWS Secret Access Key [None]: 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\nDefault region name [None]: ap-south-1",
            [
                ("SECRET", "AKIADXAVNASFI4O62J6H"),
                ("SECRET", "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"),
                ("KEEP", "ap-south-1"),
            ],
        ),
        (
            "commit 9f2c1e7b4a8d0e3f5c6b7a8d9e0f1a2b3c4d5e6f\nAuthor: Thanh Nguyen <thanh.nguyen@rivet.vn>\nDate:   Wed Dec 3 17:22:41 2026 +0700\n\n    remove hardcoded slack webhook https://hooks.slack.com/services/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",
            [
                ("KEEP", "9f2c1e7b4a8d0e3f5c6b7a8d9e0f1a2b3c4d5e6f"),
                ("PERSON", "Thanh Nguyen"),
                ("EMAIL", "thanh.nguyen@rivet.vn"),
                (
                    "SECRET",
                    "https://hooks.slack.com/services/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",
                ),
            ],
        ),
        (
            "mvn deploy -Drepo.user=chinonso -Drepo.pass=8xT!ec4Rq2Lz --settings ci/settings.xml\n[INFO] BUILD SUCCESS\n[INFO] Total time: 01:42 min",
            [("USERNAME", "chinonso"), ("SECRET", "8xT!ec4Rq2Lz")],
        ),
        (
            '2026/12/06 11:02:55 [error] 1412#1412: *88 upstream sent invalid header, client: 2a01:4f8:c17:3a2b::1, server: shop.example.com, request: "POST /login?email=farah.aziz%40gmail.com HTTP/2.0"',
            [
                ("KEEP", "2026/12/06 11:02:55"),
                ("IP_ADDRESS", "2a01:4f8:c17:3a2b::1"),
                ("EMAIL", "farah.aziz%40gmail.com"),
            ],
        ),
        (
            "UPDATE users SET password_hash = '$2b$12$KIXQJhN3p7r0xqQe1m6ZUeY9v1dXy8b2H6tJmS0aLw4cR5nE7uVqK', api_key = 'lin_api_HaX3tjSyRDkTiWGST5vZAZtotzq7JoATaQSt24gd' WHERE username = 'vikram.sethi';",
            [
                ("KEEP", "$2b$12$KIXQJhN3p7r0xqQe1m6ZUeY9v1dXy8b2H6tJmS0aLw4cR5nE7uVqK"),
                ("SECRET", "lin_api_HaX3tjSyRDkTiWGST5vZAZtotzq7JoATaQSt24gd"),
                ("USERNAME", "vikram.sethi"),
            ],
        ),
        (
            "[12/4/26, 21:03:11] Tanisha: ok so the door code is 4471# and wifi pw is BlueHeron2024\n[12/4/26, 21:03:40] Marcus Obi: thx! whats the address again lol\n[12/4/26, 21:04:02] Tanisha: 319 Willoughby Ave, Brooklyn, NY 11205",
            [
                ("PERSON", "Tanisha"),
                ("SECRET", "4471#"),
                ("SECRET", "BlueHeron2024"),
                ("PERSON", "Marcus Obi"),
                ("STREET_ADDRESS", "319 Willoughby Ave, Brooklyn, NY 11205"),
            ],
        ),
        (
            "slack #eng-oncall\nhamid.r  10:02  prod db pw rotated, new one is in 1password\nhamid.r  10:02  jk here it is: 9vF$kW2#pQ8z\nlena.k   10:03  hamid delete that 🙃",
            [
                ("USERNAME", "hamid.r"),
                ("SECRET", "9vF$kW2#pQ8z"),
                ("USERNAME", "lena.k"),
                ("PERSON", "hamid"),
            ],
        ),
        (
            "MERGE INTO contacts t USING (SELECT 'Ananya Bhattacharya' AS name, '+91 83370 92215' AS phone) s ON (t.name = s.name) WHEN NOT MATCHED THEN INSERT (name, phone) VALUES (s.name, s.phone);",
            [("PERSON", "Ananya Bhattacharya"), ("PHONE", "+91 83370 92215")],
        ),
        (
            'formulaire d\'inscription\nnom=LAURENT prenom=Émilie-Rose date_naissance=1983-06-11 tel=+33 7 81 42 90 55 adresse="5 place Bellecour, 69002 Lyon" newsletter=oui',
            [
                ("PERSON", "LAURENT"),
                ("PERSON", "Émilie-Rose"),
                ("DATE_OF_BIRTH", "1983-06-11"),
                ("PHONE", "+33 7 81 42 90 55"),
                ("STREET_ADDRESS", "5 place Bellecour, 69002 Lyon"),
            ],
        ),
        (
            "INSERT INTO employees VALUES (3312, 'SHARMA', 'Neha', 'neha.sharma@infosys-demo.in', '730-28-2164', '1991-10-02');",
            [
                ("KEEP", "3312"),
                ("PERSON", "SHARMA"),
                ("PERSON", "Neha"),
                ("EMAIL", "neha.sharma@infosys-demo.in"),
                ("US_SSN", "730-28-2164"),
                ("DATE_OF_BIRTH", "1991-10-02"),
            ],
        ),
        (
            "Solicitud de beca\nApellidos: García Márquez de Olivares\nNombre: Lucía Valentina\nFecha nac.: 30-07-2004\nDirección: Carrer de Mallorca 401, 4º 2ª, 08013 Barcelona\nTel.: 93 218 44 07",
            [
                ("PERSON", "García Márquez de Olivares"),
                ("PERSON", "Lucía Valentina"),
                ("DATE_OF_BIRTH", "30-07-2004"),
                ("STREET_ADDRESS", "Carrer de Mallorca 401, 4º 2ª, 08013 Barcelona"),
                ("PHONE", "93 218 44 07"),
            ],
        ),
        (
            "[WhatsApp] +91 98110 44721: didi kal ka plan? mera dob form pe 05-08-2001 daal dena\n[WhatsApp] Shalini: haan, aur tera aadhaar wala address bhi? H.No. 221, Sector 15, Faridabad, Haryana 121007",
            [
                ("PHONE", "+91 98110 44721"),
                ("DATE_OF_BIRTH", "05-08-2001"),
                ("PERSON", "Shalini"),
                ("STREET_ADDRESS", "H.No. 221, Sector 15, Faridabad, Haryana 121007"),
            ],
        ),
        (
            "UPDATE accounts SET iban = 'GB46HIQG26141934814347', holder = 'Mr O. Adebanjo' WHERE account_id = 'dbf3abbf-86b7-45c0-bde8-9c2ac7b587b8';",
            [
                ("IBAN", "GB46HIQG26141934814347"),
                ("PERSON", "O. Adebanjo"),
                ("KEEP", "dbf3abbf-86b7-45c0-bde8-9c2ac7b587b8"),
            ],
        ),
        (
            "Modulo di contatto\nnome_completo: Lorenzo Dall'Acqua\nemail: lorenzo.dallacqua@libero.it\nindirizzo: Via dei Mille 14, 20129 Milano MI\ndata_di_nascita: 08/08/1980",
            [
                ("PERSON", "Lorenzo Dall'Acqua"),
                ("EMAIL", "lorenzo.dallacqua@libero.it"),
                ("STREET_ADDRESS", "Via dei Mille 14, 20129 Milano MI"),
                ("DATE_OF_BIRTH", "08/08/1980"),
            ],
        ),
        (
            "slack dm\nnoor: can u check my calendly? calendly.com/noor-al-hashimi/15min\nnoor: and my portfolio is on behance.net/nooralhashimi\npriya.s: booked for thu!",
            [
                ("PERSON", "noor"),
                ("URL", "calendly.com/noor-al-hashimi/15min"),
                ("URL", "behance.net/nooralhashimi"),
                ("USERNAME", "priya.s"),
            ],
        ),
        (
            "SQL> SELECT name, card_no FROM payments WHERE created > DATE '2026-11-01';\nNAME                 CARD_NO\n-------------------- ----------------\nCHIBUIKE NWANKWO     2221849119793718\nLOTTE DE BOER        36168169105270",
            [
                ("KEEP", "2026-11-01"),
                ("PERSON", "CHIBUIKE NWANKWO"),
                ("CREDIT_CARD", "2221849119793718"),
                ("PERSON", "LOTTE DE BOER"),
                ("CREDIT_CARD", "36168169105270"),
            ],
        ),
        (
            "Cadastro\nNome: Maria das Graças Ferreira\nData de nascimento: 24/12/1959\nEndereço: Rua da Aurora, 885, Boa Vista, Recife - PE, 50050-000\nTelefone: +55 81 3421-7789",
            [
                ("PERSON", "Maria das Graças Ferreira"),
                ("DATE_OF_BIRTH", "24/12/1959"),
                ("STREET_ADDRESS", "Rua da Aurora, 885, Boa Vista, Recife - PE, 50050-000"),
                ("PHONE", "+55 81 3421-7789"),
            ],
        ),
        (
            "#support-escalations\nbot: new VIP ticket from Oyinkansola Braithwaite (oyin@braithwaite.studio)\nkelechi: on it\nkelechi: she says her bday is 19 jan 1992 and the promo didn't apply",
            [
                ("PERSON", "Oyinkansola Braithwaite"),
                ("EMAIL", "oyin@braithwaite.studio"),
                ("PERSON", "kelechi"),
                ("DATE_OF_BIRTH", "19 jan 1992"),
            ],
        ),
        (
            "ALTER USER reporting WITH PASSWORD 'Nairobi$Sunrise-2026';\nGRANT SELECT ON ALL TABLES IN SCHEMA public TO reporting;\n-- requested by Wambui Njoroge, approved by e.kariuki",
            [
                ("SECRET", "Nairobi$Sunrise-2026"),
                ("PERSON", "Wambui Njoroge"),
                ("USERNAME", "e.kariuki"),
            ],
        ),
        (
            "i clicked the reset link https://app.taskora.io/reset?token=6Hi08sNlAAWfsX6FdeNeO&uid=4412 but it says expired. can u send a new one to rosa.ibarra@gmail.com",
            [
                ("URL", "https://app.taskora.io/reset?token=6Hi08sNlAAWfsX6FdeNeO&uid=4412"),
                ("EMAIL", "rosa.ibarra@gmail.com"),
            ],
        ),
        (
            "Example from our docs: `psql postgres://user:<password>@localhost:5432/db` - replace <password> with yours. Our real staging one is postgres://stage:Kf82-mQ7z-pR1x@10.2.0.11:5432/app, don't commit it.",
            [("KEEP", "<password>"), ("SECRET", "Kf82-mQ7z-pR1x"), ("IP_ADDRESS", "10.2.0.11")],
        ),
        (
            "The Lincoln Center gala sold out; Washington Square Park entrance closed; Jackson Heights branch moved to 37th Ave. (FYI from facilities.)",
            [
                ("KEEP", "Lincoln Center"),
                ("KEEP", "Washington Square Park"),
                ("KEEP", "Jackson Heights"),
            ],
        ),
        (
            "Here's the share link for the contract draft (anyone with link can edit): https://docs.google.com/document/d/1aQ7vXpZ3kR8tW0yN5mJ2cL9hB4fD6sG1eU/edit?usp=sharing - from Moses Kiprotich",
            [
                (
                    "URL",
                    "https://docs.google.com/document/d/1aQ7vXpZ3kR8tW0yN5mJ2cL9hB4fD6sG1eU/edit?usp=sharing",
                ),
                ("PERSON", "Moses Kiprotich"),
            ],
        ),
        (
            "Bonjour, mon identifiant est c.dubois-nkoulou et mon mot de passe provisoire est Cameroun#2026. Je n'arrive pas à me connecter depuis Montpellier.",
            [
                ("USERNAME", "c.dubois-nkoulou"),
                ("SECRET", "Cameroun#2026"),
                ("KEEP", "Montpellier"),
            ],
        ),
        (
            "Please never paste keys like sk_live_xxxxxxxxxxxxxxxxxxxxxxxx in tickets. (Ticket from olga.s: she pasted sk_live_OdRxyoS76p27gMKDOCJwvzne yesterday; rotated.)",
            [
                ("KEEP", "sk_live_xxxxxxxxxxxxxxxxxxxxxxxx"),
                ("USERNAME", "olga.s"),
                ("SECRET", "sk_live_OdRxyoS76p27gMKDOCJwvzne"),
            ],
        ),
        (
            "meeting w/ jose at Santa Clara campus, then dinner at Chez Panisse w/ the Morgan Stanley folks. jose's cell 408-772-9143. (jose = José Antonio Villanueva)",
            [
                ("PERSON", "jose"),
                ("KEEP", "Santa Clara"),
                ("KEEP", "Chez Panisse"),
                ("KEEP", "Morgan Stanley"),
                ("PHONE", "408-772-9143"),
                ("PERSON", "José Antonio Villanueva"),
            ],
        ),
        (
            "ciao, sono rossella. la mia data di nascita è 3 maggio 1987 ma l'app dice 1978, potete correggere? il mio profilo: instagram.com/rossella.mancuso_",
            [
                ("PERSON", "rossella"),
                ("DATE_OF_BIRTH", "3 maggio 1987"),
                ("URL", "instagram.com/rossella.mancuso_"),
            ],
        ),
        (
            "Hola equipo: el evento en Valencia es el 12 de marzo. Confirmen asistencia a Itziar. Por cierto, nací el 12 de marzo de 1990, así que ¡tarta!",
            [
                ("KEEP", "Valencia"),
                ("PERSON", "Itziar"),
                ("DATE_OF_BIRTH", "12 de marzo de 1990"),
                ("KEEP", "12 de marzo"),
            ],
        ),
        (
            "FYI the wiki page https://en.wikipedia.org/wiki/Chimamanda_Ngozi_Adichie is just for the book club; the actual attendee list is Adaora, Kelechi Nwoye, and grandma Ifeoma.",
            [
                ("KEEP", "https://en.wikipedia.org/wiki/Chimamanda_Ngozi_Adichie"),
                ("PERSON", "Adaora"),
                ("PERSON", "Kelechi Nwoye"),
                ("PERSON", "Ifeoma"),
            ],
        ),
        (
            "bro ur password for the shared netflix is literally just the dog's name + 99 = biscuit99, and the acct is under my dad, Ravindra Naidu",
            [("SECRET", "biscuit99"), ("PERSON", "Ravindra Naidu")],
        ),
        (
            "Per your request: the private scheduling page is https://cal.com/tiago-m-souza/discovery and my public site is https://tiagosouza.dev. Password for the demo tenant: demo (it's public).",
            [("URL", "https://cal.com/tiago-m-souza/discovery"), ("URL", "https://tiagosouza.dev")],
        ),
        (
            "To authenticate, send header `Authorization: Bearer <token>` (see https://developer.github.com/v3/#authentication). Example token: ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx.",
            [
                ("KEEP", "<token>"),
                ("KEEP", "https://developer.github.com/v3/#authentication"),
                ("KEEP", "ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"),
            ],
        ),
        (
            "i think my acc got hacked?? someone logged in from 45.134.26.88 and changed the email to hacker@tempmail.lol. my real one is yetunde.ajibola@gmail.com",
            [
                ("IP_ADDRESS", "45.134.26.88"),
                ("EMAIL", "hacker@tempmail.lol"),
                ("EMAIL", "yetunde.ajibola@gmail.com"),
            ],
        ),
        (
            "Mi usuario es pablo_quispe y la clave del wifi de la oficina (Lima) es Machu*Picchu77. Mi jefe, el Ing. Huamán, dice que no pasa nada.",
            [
                ("USERNAME", "pablo_quispe"),
                ("KEEP", "Lima"),
                ("SECRET", "Machu*Picchu77"),
                ("PERSON", "Huamán"),
            ],
        ),
        (
            "<credentials>\n  <username>svc-reporting</username>\n  <password>Amst3rdam!Tulips</password>\n  <token>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</token>\n</credentials>",
            [
                ("USERNAME", "svc-reporting"),
                ("SECRET", "Amst3rdam!Tulips"),
                (
                    "SECRET",
                    "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",
                ),
            ],
        ),
        (
            "./deploy.sh --env prod --db-password 'W!nterfell_88' --api-key AIzaa1JYR-rtCpSjybgbDY8AaKe4K4n1YnKlpWr --notify ikechukwu.eze@quanta.ng",
            [
                ("SECRET", "W!nterfell_88"),
                ("SECRET", "AIzaa1JYR-rtCpSjybgbDY8AaKe4K4n1YnKlpWr"),
                ("EMAIL", "ikechukwu.eze@quanta.ng"),
            ],
        ),
        (
            "Adresse de facturation : Mme Fatoumata Traoré-Keïta, Résidence Les Acacias, Bât. C, 112 avenue de la République, 93100 Montreuil",
            [
                ("PERSON", "Fatoumata Traoré-Keïta"),
                ("STREET_ADDRESS", "112 avenue de la République, 93100 Montreuil"),
            ],
        ),
        (
            "Empfänger: Frau Prof. Dr. Hannelore Meyer-Abiodun, (privat), Eppendorfer Landstraße 31, 20249 Hamburg",
            [
                ("PERSON", "Hannelore Meyer-Abiodun"),
                ("STREET_ADDRESS", "Eppendorfer Landstraße 31, 20249 Hamburg"),
            ],
        ),
        (
            "Indirizzo di spedizione: Sig.ra Chiamaka Okeke, Viale Monza 140, 20127 Milano. Citofono OKEKE. Cell +39 320 448 1907",
            [
                ("PERSON", "Chiamaka Okeke"),
                ("STREET_ADDRESS", "Viale Monza 140, 20127 Milano"),
                ("PERSON", "OKEKE"),
                ("PHONE", "+39 320 448 1907"),
            ],
        ),
        (
            "Dirección de entrega: Calle de Alcalá 187, 5º D, 28009 Madrid - a la atención de D.ª Guadalupe Chávez Ortiz. Tel. +34 915 78 33 01",
            [
                ("STREET_ADDRESS", "Calle de Alcalá 187, 5º D, 28009 Madrid"),
                ("PERSON", "Guadalupe Chávez Ortiz"),
                ("PHONE", "+34 915 78 33 01"),
            ],
        ),
        (
            "mijn nieuwe adres is Prinsengracht 481-H, 1016 HR Amsterdam (vlakbij het Anne Frank Huis, haha). Mijn naam: Emre Yılmaz-de Wit. Geboren 04-04-1995.",
            [
                ("STREET_ADDRESS", "Prinsengracht 481-H, 1016 HR Amsterdam"),
                ("KEEP", "Anne Frank Huis"),
                ("PERSON", "Emre Yılmaz-de Wit"),
                ("DATE_OF_BIRTH", "04-04-1995"),
            ],
        ),
        (
            "Entrega: Rua Padre Chagas, 147, casa 2, Moinhos de Vento, Porto Alegre - RS, 90570-080. Destinatário: Eduardo Kowalski Pereira. CPF no sistema.",
            [
                (
                    "STREET_ADDRESS",
                    "Rua Padre Chagas, 147, casa 2, Moinhos de Vento, Porto Alegre - RS, 90570-080",
                ),
                ("PERSON", "Eduardo Kowalski Pereira"),
            ],
        ),
        (
            "courier note: No. 44, 2nd Main Road, Besant Nagar, Chennai, Tamil Nadu 600090 - ask for Lakshmi amma, grandson Vignesh will answer 044 2491 7730",
            [
                (
                    "STREET_ADDRESS",
                    "No. 44, 2nd Main Road, Besant Nagar, Chennai, Tamil Nadu 600090",
                ),
                ("PERSON", "Lakshmi"),
                ("PERSON", "Vignesh"),
                ("PHONE", "044 2491 7730"),
            ],
        ),
        (
            "Spett.le ditta, vi scrivo per conto di mio padre, DE LUCA Salvatore, residente in Via Roma 12, 84121 Salerno (SA), nato il 1° gennaio 1950.",
            [
                ("PERSON", "DE LUCA Salvatore"),
                ("STREET_ADDRESS", "Via Roma 12, 84121 Salerno (SA)"),
                ("DATE_OF_BIRTH", "1° gennaio 1950"),
            ],
        ),
        (
            "settings.py\nSECRET_KEY = 'django-insecure-q8#v@2l$k!x9m^z7&w0p3r(t)y6u1i5o4'\nEMAIL_HOST_PASSWORD = os.getenv('EMAIL_HOST_PASSWORD', 'changeme')\nSTRIPE_API_KEY = \"rk_live_2bWgeKrDftRtfwzpHi5wosJQ\"",
            [
                ("SECRET", "django-insecure-q8#v@2l$k!x9m^z7&w0p3r(t)y6u1i5o4"),
                ("KEEP", "changeme"),
                ("SECRET", "rk_live_2bWgeKrDftRtfwzpHi5wosJQ"),
            ],
        ),
        (
            '2026-12-06 09:41:17,882 DEBUG urllib3 https://api.shopify.com:443 "GET /admin/api/2024-10/orders.json HTTP/1.1" 200 X-Shopify-Access-Token=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',
            [
                ("KEEP", "2026-12-06 09:41:17,882"),
                ("SECRET", "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"),
            ],
        ),
        (
            "git remote set-url origin https://oauth2:glpat-wDz5udUolgiCDWyEQ4vy@gitlab.com/tunde-adeyemi/payroll.git",
            [("SECRET", "glpat-wDz5udUolgiCDWyEQ4vy"), ("USERNAME", "tunde-adeyemi")],
        ),
        (
            '<connectionStrings><add name="Main" connectionString="Server=10.60.2.4;Database=Crm;User Id=crm_app;Password=Dub4i_Marina#9;" /></connectionStrings>',
            [("IP_ADDRESS", "10.60.2.4"), ("USERNAME", "crm_app"), ("SECRET", "Dub4i_Marina#9")],
        ),
        (
            "bhaiya mera gmail password reset karna hai, recovery phone +91 90040 18827 hai aur backup email meenakshi.iyer1988@rediffmail.com. purana password tha Chennai@123",
            [
                ("PHONE", "+91 90040 18827"),
                ("EMAIL", "meenakshi.iyer1988@rediffmail.com"),
                ("SECRET", "Chennai@123"),
            ],
        ),
    ],
}

# Every value must occur in its text (the scorer looks for its mentions).
for _half, _cases in PROBES_G.items():
    for _text, _values in _cases:
        for _label, _value in _values:
            assert _value in _text, (_half, _label, _value)
