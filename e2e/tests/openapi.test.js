// The OpenAPI document the service publishes validates against the OpenAPI
// 3.1 schema (a real validator, not a look at a few keys), and it documents
// every route under /v1.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { Validator } from "@seriousme/openapi-schema-validator";
import { startServer } from "../lib/harness.js";

describe("OpenAPI document", () => {
  let server;
  before(async () => { server = await startServer(); });
  after(async () => { await server?.stop(); });

  test("validates against the OpenAPI 3.1 schema", async () => {
    const doc = await (await fetch(`${server.url}/openapi.json`)).json();
    assert.equal(doc.openapi.slice(0, 3), "3.1");
    const validator = new Validator();
    const result = await validator.validate(doc);
    assert.equal(result.valid, true, JSON.stringify(result.errors, null, 1));
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const op of Object.values(ops)) {
        for (const p of op.parameters || []) {
          if (p.in === "path") assert.ok(path.includes(`{${p.name}}`), `${path}: ${p.name} is not in the path`);
        }
      }
    }
    for (const route of ["/v1/applicants", "/v1/evaluate", "/v1/tokens", "/v1/tokens/{id}", "/v1/audit", "/v1/expiring"]) {
      assert.ok(doc.paths[route], `${route} is documented`);
    }
  });
});
