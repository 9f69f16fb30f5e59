import { builder } from '../schema/builder.js';
import { ResumeSecretRotationInput, RotateSecretInput, RotationResultType } from '../schema/custody.js';
import { InputValidationError, ForbiddenError, MutationInProgressError, NotFoundError, StoreUnavailableError } from '../src/core/errors.js';
import { audited } from '../src/app/audit.js';
import { resumeSecretRotation, rotateSecret } from '../src/app/rotation.js';

const ROTATION_ERRORS = [InputValidationError, NotFoundError, ForbiddenError, StoreUnavailableError, MutationInProgressError];

builder.mutationField('rotateSecret', (t) =>
  t.field({
    type: RotationResultType,
    description:
      'Writes a new value for one secret into every target connection, each through its vendor’s own write (a PATCH of the field, or a full replace with the rest of the object as it is), and answers per target: done with the new hint (and whether it shows the new value), a typed error, or skipped with why. One target’s failure never stops the others; each is audited. A full-replace target holding other secrets answers `SecretsRequiredError` unless they are supplied. With `dryRun` nothing is written.',
    args: { input: t.arg({ type: RotateSecretInput, required: true, description: 'The targets and the new value.' }) },
    errors: { types: ROTATION_ERRORS, directResult: true, union: { name: 'RotateSecretResult', description: 'The rotation, target by target, or why it could not start.' } },
    // The rotation itself is recorded (rotation id, per-target state); a key taken over from a run that stopped resumes it.
    // A dry run writes nothing and claims no key: it is audited as a preview, every time it is asked.
    resolve: (_, { input }, context) =>
      audited(
        context,
        input.dryRun === true
          ? { operation: 'rotateSecretPreview', account: null, targetId: null, scope: 'secrets:rotate' }
          : { operation: 'rotateSecretRun', account: null, targetId: null, input, scope: 'secrets:rotate', recovery: { kind: 'rerun' } },
        () => rotateSecret(context, input),
      ),
  }),
);

builder.mutationField('resumeSecretRotation', (t) =>
  t.field({
    type: RotationResultType,
    description: 'Resumes a rotation that stopped: only the targets not yet written are written; a target that was being written when it stopped is read back, never sent twice.',
    args: { input: t.arg({ type: ResumeSecretRotationInput, required: true, description: 'The rotation and its new value.' }) },
    errors: { types: ROTATION_ERRORS, directResult: true, union: { name: 'ResumeSecretRotationResult', description: 'The rotation, target by target, or why it could not resume.' } },
    resolve: (_, { input }, context) =>
      audited(context, { operation: 'resumeSecretRotation', account: null, targetId: null, scope: 'secrets:rotate' }, () => resumeSecretRotation(context, input.id, input)),
  }),
);
