/**
 * `npm run frameworks:validate`: checks every assessment framework file in db/frameworks (also run by
 * the tests). Prints each problem with its place in the file; exits 1 when there is any.
 */
import { readFrameworkFiles } from "~/modules/frameworks/files.server";
import { SCORED_TYPES } from "~/modules/frameworks/framework-schema";

let failed = false;
for (const { file, framework, problems } of readFrameworkFiles()) {
  if (problems.length) {
    failed = true;
    console.log(`✗ ${file}`);
    for (const p of problems) console.log(`    ${p.path || "(file)"}: ${p.message}`);
    continue;
  }
  const questions = framework!.sections.flatMap((s) => s.questions);
  const scored = questions.filter((q) => SCORED_TYPES.includes(q.type)).length;
  console.log(`✓ ${file}: ${framework!.id} ${framework!.version}, ${framework!.sections.length} sections, ${questions.length} questions (${scored} scored)`);
}
process.exit(failed ? 1 : 0);
