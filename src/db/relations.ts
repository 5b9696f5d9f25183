import { relations as defineRelations } from 'drizzle-orm';
import { changeRequests, approvals, deployments, modelVersions, models, sources, syncRuns } from './schema/index.js';

export const relations = {
  sourcesRelations: defineRelations(sources, ({ many }) => ({ models: many(models), runs: many(syncRuns) })),
  modelsRelations: defineRelations(models, ({ one, many }) => ({
    source: one(sources, { fields: [models.sourceId], references: [sources.id] }),
    versions: many(modelVersions),
  })),
  modelVersionsRelations: defineRelations(modelVersions, ({ one, many }) => ({
    model: one(models, { fields: [modelVersions.modelId], references: [models.id] }),
    deployments: many(deployments),
    changeRequests: many(changeRequests),
  })),
  deploymentsRelations: defineRelations(deployments, ({ one }) => ({
    version: one(modelVersions, { fields: [deployments.versionId], references: [modelVersions.id] }),
  })),
  syncRunsRelations: defineRelations(syncRuns, ({ one }) => ({ source: one(sources, { fields: [syncRuns.sourceId], references: [sources.id] }) })),
  changeRequestsRelations: defineRelations(changeRequests, ({ one, many }) => ({
    version: one(modelVersions, { fields: [changeRequests.modelVersionId], references: [modelVersions.id] }),
    approvals: many(approvals),
  })),
  approvalsRelations: defineRelations(approvals, ({ one }) => ({
    changeRequest: one(changeRequests, { fields: [approvals.changeRequestId], references: [changeRequests.id] }),
  })),
};
