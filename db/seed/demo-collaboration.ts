/**
 * Demo collaborative actions: about two years of believable, deterministic actions per company in
 * every state (planned, confirmed, awaiting confirmation, changes asked for, changed after
 * confirmation, recorded on behalf), made through the same services the portal uses.
 */
import type { Db } from "#db/dialect";
import type { Actor } from "~/modules/audit/audit.server";
import { addActionComment, askForChanges, confirmAction, createAction, requestConfirmation, updateAction, type ActionContent } from "~/modules/collaboration/collaboration.server";
import { addActionFile } from "~/modules/collaboration/files.server";
import type { ActionType } from "~/modules/collaboration/types";
import { random } from "./demo-assessments";

const TEMPLATES: { type: ActionType; title: string; description: string; ngo: string; company: string; figures: (r: () => number) => Partial<ActionContent> }[] = [
  {
    type: "training",
    title: "Utbildning för kundtjänst: känna igen och rapportera",
    description: "Två halvdagar om tecken på sexuell exploatering av barn, hur misstänkt övergreppsmaterial rapporteras till hotlinen och hur personalen tar hand om sig själv.",
    ngo: "Två utbildare från hotlinen",
    company: "Kundtjänst och moderatorer",
    figures: (r) => ({ peopleTrained: 15 + Math.round(r() * 100) }),
  },
  {
    type: "awareness",
    title: "Informationskampanj till resenärer",
    description: "Budskap i bokningsbekräftelser och på webbplatsen om barns rätt till skydd och om hur man anmäler misstankar.",
    ngo: "Kommunikationsansvarig",
    company: "Marknadsavdelningen",
    figures: (r) => ({ reach: 5_000 + Math.round(r() * 195_000) }),
  },
  {
    type: "donation",
    title: "Bidrag till hotlinens arbete",
    description: "Ett ekonomiskt bidrag öronmärkt för hotlinens analys av rapporterat material.",
    ngo: "Insamlingsansvarig",
    company: "Ledningsgruppen",
    figures: (r) => ({ amount: 25_000 + Math.round(r() * 9) * 25_000, currency: "SEK" }),
  },
  {
    type: "hotline_referral",
    title: "Rapporter från moderatorteamet till hotlinen",
    description: "Misstänkt övergreppsmaterial som moderatorerna hittat har rapporterats till hotlinen i stället för att bara tas bort.",
    ngo: "Hotlinens analytiker",
    company: "Moderatorteamet",
    figures: (r) => ({ reportsHandled: 3 + Math.round(r() * 60) }),
  },
  {
    type: "takedown",
    title: "Samarbete om borttagning av rapporterade adresser",
    description: "Rapporter från hotlinen om material på kunders tjänster har hanterats enligt avtalad rutin, med återkoppling om vad som tagits bort.",
    ngo: "Hotlinens analytiker",
    company: "Abuse-teamet",
    figures: (r) => {
      const reports = 5 + Math.round(r() * 80);
      return { reportsHandled: reports, itemsTakenDown: Math.round(reports * (0.6 + r() * 0.4)) };
    },
  },
  {
    type: "consultation",
    title: "Genomgång av rapporteringsfunktionen i appen",
    description: "Organisationen gick igenom hur användare rapporterar innehåll och föreslog tydligare val för misstänkt övergreppsmaterial.",
    ngo: "Policyrådgivare",
    company: "Produktteamet",
    figures: () => ({}),
  },
  {
    type: "research",
    title: "Anonymiserad statistik om upptäckta uppladdningar",
    description: "Aggregerade siffror om träffar mot hashlistan, utan personuppgifter, till organisationens årsrapport.",
    ngo: "Analysavdelningen",
    company: "Säkerhetsavdelningen",
    figures: (r) => ({ reach: Math.round(r() * 20_000) }),
  },
  {
    type: "event",
    title: "Frukostseminarium om sextortion",
    description: "Ett seminarium för medarbetare och deras familjer om sexuell utpressning och hur barn kan få stöd.",
    ngo: "Föreläsare från organisationen",
    company: "HR",
    figures: (r) => ({ peopleTrained: 20 + Math.round(r() * 60), reach: 100 + Math.round(r() * 400) }),
  },
];

const TINY_PDF = new TextEncoder().encode("%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n");

export interface DemoCollaborationPlan {
  organisationId: string;
  manager: Actor;
  /** Actions a year (about). */
  perYear: number;
}

const iso = (d: Date) => d.toISOString().slice(0, 10);

export async function seedDemoCollaboration(db: Db, staff: Actor, plans: DemoCollaborationPlan[], seed = 11) {
  const next = random(seed);
  const today = new Date();
  const year = today.getUTCFullYear();
  for (const [p, plan] of plans.entries()) {
    for (const y of [year - 1, year]) {
      for (let i = 0; i < plan.perYear; i++) {
        const template = TEMPLATES[Math.floor(next() * TEMPLATES.length)]!;
        const start = new Date(Date.UTC(y, Math.floor(next() * 12), 1 + Math.floor(next() * 27)));
        const days = template.type === "awareness" || template.type === "takedown" ? 14 + Math.floor(next() * 60) : template.type === "training" ? Math.floor(next() * 2) : 0;
        const end = new Date(start.getTime() + days * 86_400_000);
        const past = end < today;
        const content: ActionContent = {
          type: template.type,
          title: `${template.title} ${y}`,
          startsOn: iso(start),
          endsOn: days ? iso(end) : null,
          description: template.description,
          peopleCompany: template.company,
          peopleNgo: template.ngo,
          peopleTrained: null,
          reach: null,
          amount: null,
          currency: null,
          reportsHandled: null,
          itemsTakenDown: null,
          status: past ? "done" : start < today ? "in_progress" : "planned",
          links: template.type === "awareness" ? ["https://kampanj.example/barns-ratt"] : [],
          ...(past ? template.figures(next) : {}),
        };
        const onBehalf = past && next() < 0.08;
        const id = await createAction(db, onBehalf ? staff : plan.manager, plan.organisationId, content, [], { onBehalf });
        if (i === 0 && p === 0) await addActionFile(db, plan.manager, plan.organisationId, id, { name: "deltagarlista.pdf", bytes: TINY_PDF });
        if (!past) continue;
        const fate = next();
        if (fate < 0.12) continue; // done, confirmation not asked for yet
        await requestConfirmation(db, plan.manager, plan.organisationId, id, 1);
        if (fate < 0.25) continue; // awaiting confirmation
        if (fate < 0.35) {
          await askForChanges(db, staff, id, 1, "Kan ni lägga till hur många som deltog och vilka från oss som medverkade?");
          await addActionComment(db, plan.manager, plan.organisationId, id, "Vi kompletterar efter nästa veckas möte.");
          continue;
        }
        await confirmAction(db, staff, id, 1, next() < 0.3 ? "Tack för ett bra samarbete!" : undefined);
        if (fate > 0.93) {
          // Changed after confirmation: it awaits a new one.
          await updateAction(db, plan.manager, plan.organisationId, id, { ...content, description: `${content.description} Uppdaterat med slutliga siffror.` }, [], 1);
        }
      }
    }
  }
}
