"""Seed the pillars' texts in German, Italian, Romanian, Malay and Afrikaans (SPEC §2, §4).

English comes from the existing columns. A translation already entered in the admin is kept.
Each tuple: name, self-assessment question, description, customer label, customer question.
"""

from django.db import migrations

FIELDS = ("name", "question", "description", "customer_label", "customer_question")

TEXTS = {
    "advertising": {
        "de": (
            "Werbung für Verbraucher",
            "Versprechen unsere Anzeigen, was die Customer Journey tatsächlich hält?",
            "Jede Anzeige weckt eine Erwartung. Bleibt die Customer Journey hinter dem "
            "Versprechen zurück, hat die Anzeige schon vor dem ersten Kontakt einen "
            "enttäuschten Kunden geschaffen.",
            "Unsere Werbung",
            "Sagt Ihnen unsere Werbung ehrlich, was Sie bekommen?",
        ),
        "it": (
            "Pubblicità rivolta ai consumatori",
            "Le nostre pubblicità promettono ciò che il percorso del cliente offre davvero?",
            "Ogni annuncio crea un'aspettativa. Quando il percorso non mantiene la promessa, "
            "l'annuncio ha creato un cliente deluso prima ancora del primo contatto.",
            "La nostra pubblicità",
            "La nostra pubblicità le dice onestamente che cosa otterrà?",
        ),
        "ro": (
            "Publicitatea către consumatori",
            "Promit reclamele noastre ceea ce parcursul clientului oferă cu adevărat?",
            "Fiecare reclamă creează o așteptare. Când parcursul nu se ridică la nivelul "
            "promisiunii, reclama a creat un client dezamăgit încă dinaintea primului contact.",
            "Reclamele noastre",
            "Vă spun reclamele noastre sincer ce veți primi?",
        ),
        "ms": (
            "Pengiklanan kepada pengguna",
            "Adakah iklan kita menjanjikan apa yang benar-benar diberikan oleh perjalanan "
            "pelanggan?",
            "Setiap iklan mewujudkan jangkaan. Apabila perjalanan pelanggan tidak menepati "
            "janji, iklan itu telah mencipta pelanggan yang kecewa sebelum hubungan pertama lagi.",
            "Iklan kami",
            "Adakah iklan kami memberitahu anda dengan jujur apa yang akan anda peroleh?",
        ),
        "af": (
            "Advertensies aan verbruikers",
            "Belowe ons advertensies wat die kliëntereis werklik lewer?",
            "Elke advertensie skep 'n verwagting. Wanneer die reis nie die belofte nakom nie, "
            "het die advertensie reeds voor die eerste kontak 'n teleurgestelde kliënt geskep.",
            "Ons advertensies",
            "Sê ons advertensies eerlik vir u wat u gaan kry?",
        ),
    },
    "content": {
        "de": (
            "Inhalte, die sie konsumieren",
            "Informieren unsere Inhalte, helfen sie bei der Entscheidung, beantworten sie die "
            "wichtigsten Fragen oder unterhalten sie?",
            "Artikel, Videos, Ratgeber und Beiträge. Gute Inhalte beantworten die Fragen, die "
            "Kunden in jedem Schritt tatsächlich haben, in ihren eigenen Worten.",
            "Informationen und Artikel",
            "Hilft Ihnen das, was wir veröffentlichen, beim Verstehen und Entscheiden, oder "
            "macht es Ihnen Freude?",
        ),
        "it": (
            "Contenuti che consumano",
            "I nostri contenuti informano, aiutano a decidere, rispondono alle domande chiave "
            "o intrattengono?",
            "Articoli, video, guide e post. Un buon contenuto risponde alle domande che i "
            "clienti hanno davvero in ogni fase, con le loro parole.",
            "Informazioni e articoli",
            "Ciò che pubblichiamo la aiuta a capire, a decidere o a svagarsi?",
        ),
        "ro": (
            "Conținutul pe care îl consumă",
            "Conținutul nostru informează, ajută la decizie, răspunde la întrebările-cheie sau "
            "oferă divertisment?",
            "Articole, videoclipuri, ghiduri și postări. Un conținut bun răspunde la întrebările "
            "pe care clienții le au cu adevărat la fiecare pas, în cuvintele lor.",
            "Informații și articole",
            "Ceea ce publicăm vă ajută să înțelegeți, să decideți sau să vă bucurați?",
        ),
        "ms": (
            "Kandungan yang mereka ikuti",
            "Adakah kandungan kita memberi maklumat, membantu membuat keputusan, menjawab "
            "soalan utama atau menghiburkan?",
            "Artikel, video, panduan dan hantaran. Kandungan yang baik menjawab soalan sebenar "
            "pelanggan pada setiap langkah, dalam bahasa mereka sendiri.",
            "Maklumat dan artikel",
            "Adakah apa yang kami terbitkan membantu anda memahami, membuat keputusan atau "
            "berhibur?",
        ),
        "af": (
            "Inhoud wat hulle verbruik",
            "Lig ons inhoud in, help dit met besluite, beantwoord dit die sleutelvrae of "
            "vermaak dit?",
            "Artikels, video's, gidse en plasings. Goeie inhoud beantwoord die vrae wat "
            "kliënte werklik by elke stap het, in hul eie woorde.",
            "Inligting en artikels",
            "Help wat ons publiseer u om te verstaan, te besluit of te geniet?",
        ),
    },
    "digital-experiences": {
        "de": (
            "Digitale Erlebnisse, die sie nutzen oder wahrnehmen",
            "Funktionieren unsere Formulare, Rechner, Chatbots, Apps und Medien so, wie Kunden "
            "es erwarten?",
            "Website, App, Formulare, Rechner, Chat und Mediaplayer: alles auf einem "
            "Bildschirm, was ein Kunde nutzt oder ansieht.",
            "Website und App",
            "Funktionieren unsere Website, unsere App und unsere Online-Tools so, wie Sie es "
            "erwarten?",
        ),
        "it": (
            "Esperienze digitali con cui interagiscono o che osservano",
            "I nostri moduli, calcolatori, chatbot, app e contenuti multimediali funzionano "
            "come i clienti si aspettano?",
            "Sito web, app, moduli, calcolatori, chat e lettori multimediali: tutto ciò che un "
            "cliente usa o guarda su uno schermo.",
            "Sito web e app",
            "Il nostro sito, la nostra app e i nostri strumenti online funzionano come si "
            "aspetta?",
        ),
        "ro": (
            "Experiențele digitale cu care interacționează sau pe care le observă",
            "Funcționează formularele, calculatoarele, chatboții, aplicațiile și materialele "
            "media așa cum se așteaptă clienții?",
            "Site, aplicație, formulare, calculatoare, chat și playere media: tot ce folosește "
            "sau urmărește un client pe un ecran.",
            "Site și aplicație",
            "Funcționează site-ul, aplicația și instrumentele noastre online așa cum vă "
            "așteptați?",
        ),
        "ms": (
            "Pengalaman digital yang mereka gunakan atau lihat",
            "Adakah borang, kalkulator, chatbot, aplikasi dan media kita berfungsi seperti "
            "yang dijangkakan pelanggan?",
            "Laman web, aplikasi, borang, kalkulator, sembang dan pemain media: segala yang "
            "pelanggan gunakan atau tonton pada skrin.",
            "Laman web dan aplikasi",
            "Adakah laman web, aplikasi dan alatan dalam talian kami berfungsi seperti yang "
            "anda jangkakan?",
        ),
        "af": (
            "Digitale ervarings waarmee hulle omgaan of wat hulle waarneem",
            "Werk ons vorms, sakrekenaars, kletsbotte, toepassings en media soos kliënte "
            "verwag?",
            "Webwerf, toepassing, vorms, sakrekenaars, kletsfunksie en mediaspelers: alles op "
            "'n skerm wat 'n kliënt gebruik of kyk.",
            "Webwerf en toepassing",
            "Werk ons webwerf, toepassing en aanlyn hulpmiddels soos u verwag?",
        ),
    },
    "non-digital-experiences": {
        "de": (
            "Nicht-digitale Erlebnisse, die sie nutzen oder wahrnehmen",
            "Erfüllen persönliche Momente (Filialen, Veranstaltungen, Anrufe, Verpackung, "
            "Lieferungen) die Bedürfnisse?",
            "Geschäfte, Veranstaltungen, Telefonate, Verpackung und Lieferungen: die physischen "
            "Momente der Customer Journey.",
            "Persönlich, am Telefon, an Ihrer Tür",
            "Sind unsere Geschäfte, Veranstaltungen, Anrufe und Lieferungen so, wie Sie sie "
            "brauchen?",
        ),
        "it": (
            "Esperienze non digitali con cui interagiscono o che osservano",
            "I momenti di persona (negozi, eventi, telefonate, confezioni, consegne) "
            "soddisfano le esigenze?",
            "Negozi, eventi, telefonate, confezioni e consegne: i momenti fisici del percorso.",
            "Di persona, al telefono, alla sua porta",
            "I nostri negozi, eventi, telefonate e consegne sono ciò di cui ha bisogno?",
        ),
        "ro": (
            "Experiențele non-digitale cu care interacționează sau pe care le observă",
            "Răspund momentele față în față (magazine, evenimente, apeluri, ambalaje, livrări) "
            "nevoilor clienților?",
            "Magazine, evenimente, apeluri telefonice, ambalaje și livrări: momentele fizice "
            "ale parcursului.",
            "În persoană, la telefon, la ușa dumneavoastră",
            "Sunt magazinele, evenimentele, apelurile și livrările noastre ceea ce vă trebuie?",
        ),
        "ms": (
            "Pengalaman bukan digital yang mereka alami atau lihat",
            "Adakah detik secara bersemuka (kedai, acara, panggilan, pembungkusan, "
            "penghantaran) memenuhi keperluan?",
            "Kedai, acara, panggilan telefon, pembungkusan dan penghantaran: detik fizikal "
            "dalam perjalanan pelanggan.",
            "Secara bersemuka, melalui telefon, di depan pintu anda",
            "Adakah kedai, acara, panggilan dan penghantaran kami memenuhi keperluan anda?",
        ),
        "af": (
            "Nie-digitale ervarings waarmee hulle omgaan of wat hulle waarneem",
            "Voldoen persoonlike oomblikke (winkels, geleenthede, oproepe, verpakking, "
            "aflewerings) aan behoeftes?",
            "Winkels, geleenthede, telefoonoproepe, verpakking en aflewerings: die fisiese "
            "oomblikke van die reis.",
            "Persoonlik, oor die foon, by u deur",
            "Is ons winkels, geleenthede, oproepe en aflewerings wat u nodig het?",
        ),
    },
    "communications": {
        "de": (
            "Kommunikation des Unternehmens",
            "Sind unsere Nachrichten relevant, rechtzeitig und gut dosiert, und werden Fragen "
            "noch am selben Tag beantwortet?",
            "E-Mails, Briefe, Benachrichtigungen und Antworten: was wir senden, wann, wie oft "
            "und wie schnell wir antworten.",
            "Nachrichten von uns",
            "Sind unsere Nachrichten nützlich und kommen sie zur richtigen Zeit, und werden "
            "Ihre Fragen schnell beantwortet?",
        ),
        "it": (
            "Comunicazioni dell'azienda",
            "I nostri messaggi sono pertinenti, tempestivi, ben cadenzati, e le domande "
            "ricevono risposta in giornata?",
            "Email, lettere, notifiche e risposte: cosa inviamo, quando, con quale frequenza e "
            "quanto rapidamente rispondiamo.",
            "I nostri messaggi",
            "I nostri messaggi sono utili, arrivano al momento giusto e le sue domande "
            "ricevono risposta rapidamente?",
        ),
        "ro": (
            "Comunicările companiei",
            "Sunt mesajele noastre relevante, la timp și bine dozate, iar întrebările primesc "
            "răspuns în aceeași zi?",
            "E-mailuri, scrisori, notificări și răspunsuri: ce trimitem, când, cât de des și "
            "cât de repede răspundem.",
            "Mesajele noastre",
            "Sunt mesajele noastre utile și trimise la momentul potrivit, iar întrebările "
            "dumneavoastră primesc repede răspuns?",
        ),
        "ms": (
            "Komunikasi daripada syarikat",
            "Adakah mesej kita relevan, tepat pada masanya, dengan kekerapan yang sesuai, dan "
            "adakah soalan dijawab pada hari yang sama?",
            "E-mel, surat, pemberitahuan dan balasan: apa yang kita hantar, bila, berapa kerap "
            "dan berapa pantas kita menjawab.",
            "Mesej daripada kami",
            "Adakah mesej kami berguna dan tepat pada masanya, dan adakah soalan anda dijawab "
            "dengan cepat?",
        ),
        "af": (
            "Kommunikasie van die maatskappy",
            "Is ons boodskappe relevant, betyds en goed gespasieer, en word vrae dieselfde dag "
            "beantwoord?",
            "E-posse, briewe, kennisgewings en antwoorde: wat ons stuur, wanneer, hoe gereeld "
            "en hoe vinnig ons antwoord.",
            "Boodskappe van ons",
            "Is ons boodskappe nuttig en goed getyd, en word u vrae vinnig beantwoord?",
        ),
    },
    "representatives": {
        "de": (
            "Mitarbeitende des Unternehmens, mit denen sie sprechen",
            "Dienen unsere Mitarbeitenden (Support, Vertrieb, Außendienst, Führungskräfte) den "
            "Kunden wirklich?",
            "Alle, die für das Unternehmen sprechen: Support, Vertrieb, Außendienst und "
            "Führungskräfte.",
            "Unsere Mitarbeitenden",
            "Kümmern sich die Menschen, mit denen Sie bei uns zu tun haben, wirklich um Sie?",
        ),
        "it": (
            "Rappresentanti dell'azienda con cui comunicano",
            "Le nostre persone (assistenza, vendite, personale sul campo, dirigenti) sono "
            "davvero al servizio dei clienti?",
            "Chiunque parli a nome dell'azienda: assistenza, vendite, personale sul campo e "
            "dirigenti.",
            "Le nostre persone",
            "Le persone con cui ha a che fare qui si prendono davvero cura di lei?",
        ),
        "ro": (
            "Reprezentanții companiei cu care comunică",
            "Oamenii noștri (suport, vânzări, personal de teren, conducere) îi servesc cu "
            "adevărat pe clienți?",
            "Toți cei care vorbesc în numele companiei: suport, vânzări, personal de teren și "
            "conducere.",
            "Oamenii noștri",
            "Oamenii cu care aveți de-a face aici chiar au grijă de dumneavoastră?",
        ),
        "ms": (
            "Wakil syarikat yang mereka hubungi",
            "Adakah warga kerja kita (sokongan, jualan, kakitangan lapangan, eksekutif) "
            "benar-benar berkhidmat kepada pelanggan?",
            "Semua yang bercakap bagi pihak syarikat: sokongan, jualan, kakitangan lapangan "
            "dan eksekutif.",
            "Warga kerja kami",
            "Adakah orang yang berurusan dengan anda di sini benar-benar menjaga anda?",
        ),
        "af": (
            "Maatskappyverteenwoordigers met wie hulle kommunikeer",
            "Dien ons mense (ondersteuning, verkope, veldpersoneel, bestuurders) kliënte "
            "werklik?",
            "Almal wat namens die maatskappy praat: ondersteuning, verkope, veldpersoneel en "
            "bestuurders.",
            "Ons mense",
            "Sorg die mense met wie u hier te doen kry werklik vir u?",
        ),
    },
    "products-services": {
        "de": (
            "Produkte und Dienstleistungen, die sie kaufen",
            "Erfüllen oder übertreffen unsere Produkte die Erwartungen jedes Kunden, mit einem "
            "gewissen Extra?",
            "Was der Kunde tatsächlich kauft, und ob es begeistert oder nur funktioniert.",
            "Was Sie bei uns kaufen",
            "Werden unsere Produkte und Dienstleistungen Ihren Hoffnungen gerecht?",
        ),
        "it": (
            "Prodotti e servizi che acquistano",
            "I nostri prodotti soddisfano o superano le aspettative di ogni cliente, con "
            "qualcosa in più?",
            "Ciò che il cliente acquista davvero, e se lo entusiasma o semplicemente funziona.",
            "Ciò che acquista da noi",
            "I nostri prodotti e servizi sono all'altezza di ciò che sperava?",
        ),
        "ro": (
            "Produsele și serviciile pe care le cumpără",
            "Produsele noastre îndeplinesc sau depășesc așteptările fiecărui client, cu ceva "
            "în plus?",
            "Ce cumpără clientul de fapt și dacă îl încântă sau doar funcționează.",
            "Ce cumpărați de la noi",
            "Se ridică produsele și serviciile noastre la nivelul a ceea ce sperați?",
        ),
        "ms": (
            "Produk dan perkhidmatan yang mereka beli",
            "Adakah produk kita memenuhi atau melebihi jangkaan setiap pelanggan, dengan "
            "sesuatu yang lebih?",
            "Apa yang sebenarnya dibeli oleh pelanggan, dan sama ada ia menggembirakan atau "
            "sekadar berfungsi.",
            "Apa yang anda beli daripada kami",
            "Adakah produk dan perkhidmatan kami menepati harapan anda?",
        ),
        "af": (
            "Produkte en dienste wat hulle koop",
            "Voldoen ons produkte aan elke kliënt se verwagtinge of oortref dit hulle, met iets "
            "ekstra?",
            "Wat die kliënt werklik koop, en of dit verruk of bloot werk.",
            "Wat u by ons koop",
            "Leef ons produkte en dienste op tot wat u gehoop het?",
        ),
    },
    "customer-service": {
        "de": (
            "Kundenservice, den sie erhalten",
            "Ist der Service befugt, Probleme schnell zu lösen (Erstattungen, Ersatz, "
            "Umtausch)?",
            "Wenn etwas schiefgeht: Kann der Service es sofort in Ordnung bringen, ohne "
            "Eskalation oder Diskussion?",
            "Hilfe, wenn etwas schiefgeht",
            "Wenn Sie ein Problem haben, lösen wir es schnell und fair?",
        ),
        "it": (
            "Servizio clienti che ricevono",
            "Il servizio ha l'autonomia per risolvere rapidamente i problemi (rimborsi, "
            "sostituzioni, cambi)?",
            "Quando qualcosa va storto: il servizio può rimediare subito, senza escalation né "
            "discussioni?",
            "Aiuto quando qualcosa va storto",
            "Quando ha un problema, lo risolviamo in modo rapido ed equo?",
        ),
        "ro": (
            "Serviciul clienți de care beneficiază",
            "Are serviciul clienți puterea de a rezolva rapid problemele (rambursări, "
            "înlocuiri, schimburi)?",
            "Când ceva nu merge bine: poate serviciul clienți să rezolve imediat situația, fără "
            "escaladări sau dispute?",
            "Ajutor când ceva nu merge bine",
            "Când aveți o problemă, o rezolvăm repede și corect?",
        ),
        "ms": (
            "Khidmat pelanggan yang mereka terima",
            "Adakah khidmat pelanggan diberi kuasa untuk menyelesaikan masalah dengan pantas "
            "(bayaran balik, penggantian, pertukaran)?",
            "Apabila berlaku masalah: bolehkah khidmat pelanggan membetulkannya serta-merta, "
            "tanpa eskalasi atau pertikaian?",
            "Bantuan apabila berlaku masalah",
            "Apabila anda menghadapi masalah, adakah kami menyelesaikannya dengan cepat dan "
            "adil?",
        ),
        "af": (
            "Kliëntediens wat hulle ontvang",
            "Is diens bemagtig om probleme vinnig op te los (terugbetalings, vervangings, "
            "omruilings)?",
            "Wanneer iets skeefloop: kan diens dit dadelik regstel, sonder eskalasie of "
            "argument?",
            "Hulp wanneer iets skeefloop",
            "Wanneer u 'n probleem het, los ons dit vinnig en regverdig op?",
        ),
    },
    "friction": {
        "de": (
            "Reibung – oder ihr Fehlen – entlang der Customer Journey",
            "Wie viel Warten, Klicken und erneutes Eingeben bleibt auf jedem Kanal?",
            "Warten, zusätzliche Klicks, sich wiederholen, Angaben erneut eingeben: der "
            "Aufwand, den die Customer Journey den Kunden kostet.",
            "Einfachheit: kein Warten, kein Ärger",
            "Ist es einfach, mit uns zu tun zu haben, ohne zu warten oder sich zu wiederholen?",
        ),
        "it": (
            "Attrito, o sua assenza, lungo il percorso del cliente",
            "Quanta attesa, quanti clic e quante reimmissioni di dati restano su ogni canale?",
            "Attese, clic in più, doversi ripetere, reinserire i dati: lo sforzo che il "
            "percorso costa al cliente.",
            "Facilità: niente attese, niente fastidi",
            "È facile avere a che fare con noi, senza attese e senza doversi ripetere?",
        ),
        "ro": (
            "Fricțiunea, sau lipsa ei, de-a lungul parcursului clientului",
            "Câtă așteptare, câte clicuri și câte reintroduceri de date mai rămân pe fiecare "
            "canal?",
            "Așteptare, clicuri în plus, repetarea acelorași lucruri, reintroducerea datelor: "
            "efortul pe care parcursul îl cere clientului.",
            "Simplitate: fără așteptare, fără bătăi de cap",
            "Este ușor să lucrați cu noi, fără să așteptați sau să vă repetați?",
        ),
        "ms": (
            "Geseran, atau ketiadaannya, sepanjang perjalanan pelanggan",
            "Berapa banyak menunggu, mengklik dan memasukkan semula maklumat yang masih ada "
            "pada setiap saluran?",
            "Menunggu, klik tambahan, mengulang perkara yang sama, memasukkan semula butiran: "
            "usaha yang perlu dikeluarkan pelanggan sepanjang perjalanan.",
            "Mudah: tanpa menunggu, tanpa kerumitan",
            "Adakah mudah berurusan dengan kami, tanpa menunggu atau mengulang perkara yang "
            "sama?",
        ),
        "af": (
            "Wrywing, of die gebrek daaraan, langs die kliëntereis",
            "Hoeveel wag, klik en herinvoer bly op elke kanaal oor?",
            "Wag, ekstra klikke, jouself herhaal, besonderhede weer invoer: die moeite wat die "
            "reis die kliënt kos.",
            "Gemak: geen wag, geen gesukkel",
            "Is dit maklik om met ons sake te doen, sonder om te wag of uself te herhaal?",
        ),
    },
    "brand-reputation": {
        "de": (
            "Markenreputation und Erwartungen",
            "Entspricht das, wofür die Marke steht, dem, was Kunden erleben?",
            "Das Versprechen hinter dem Namen: was Menschen von uns erwarten, bevor sie "
            "überhaupt kaufen, und ob wir es halten.",
            "Unser Ruf",
            "Werden wir dem gerecht, wofür unser Name steht?",
        ),
        "it": (
            "Reputazione del marchio e aspettative",
            "Ciò che il marchio rappresenta corrisponde a ciò che vivono i clienti?",
            "La promessa dietro il nome: che cosa le persone si aspettano da noi prima ancora "
            "di acquistare, e se la manteniamo.",
            "La nostra reputazione",
            "Siamo all'altezza di ciò che il nostro nome rappresenta?",
        ),
        "ro": (
            "Reputația mărcii și așteptările",
            "Corespunde ceea ce reprezintă marca cu ceea ce trăiesc clienții?",
            "Promisiunea din spatele numelui: ce așteaptă oamenii de la noi înainte de a "
            "cumpăra și dacă ne ținem de ea.",
            "Reputația noastră",
            "Ne ridicăm la înălțimea a ceea ce reprezintă numele nostru?",
        ),
        "ms": (
            "Reputasi jenama dan jangkaan",
            "Adakah nilai yang didukung jenama sepadan dengan apa yang dialami pelanggan?",
            "Janji di sebalik nama: apa yang orang harapkan daripada kita sebelum mereka "
            "membeli, dan sama ada kita menunaikannya.",
            "Reputasi kami",
            "Adakah kami menepati apa yang dilambangkan oleh nama kami?",
        ),
        "af": (
            "Handelsmerkreputasie en verwagtinge",
            "Stem dit waarvoor die handelsmerk staan ooreen met wat kliënte ervaar?",
            "Die belofte agter die naam: wat mense van ons verwag nog voordat hulle koop, en "
            "of ons dit nakom.",
            "Ons reputasie",
            "Leef ons op tot dit waarvoor ons naam staan?",
        ),
    },
}


def seed(apps, schema_editor):
    Pillar = apps.get_model("assessments", "Pillar")
    for pillar in Pillar.objects.all():
        changed = []
        # English, the reference language, from the columns every earlier migration wrote.
        for field in FIELDS:
            if not getattr(pillar, f"{field}_en"):
                setattr(pillar, f"{field}_en", getattr(pillar, field))
                changed.append(f"{field}_en")
        for language, texts in TEXTS.get(pillar.slug, {}).items():
            for field, text in zip(FIELDS, texts, strict=True):
                if not getattr(pillar, f"{field}_{language}"):
                    setattr(pillar, f"{field}_{language}", text)
                    changed.append(f"{field}_{language}")
        if changed:
            pillar.save(update_fields=changed)


class Migration(migrations.Migration):
    dependencies = [("assessments", "0015_pillar_texts_per_language")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
