// Smoke-test handler (nodejs20.x). Pure: no AWS SDK calls, so it runs the
// same on AWS and under the emulator's local-node Lambda runner.
exports.handler = async (event) => {
  console.log("event", JSON.stringify(event));
  return {
    ok: true,
    source: event && event.source ? event.source : null,
    taskArn: process.env.TASK_ARN || null,
    param: process.env.PARAM_NAME || null,
    region: process.env.AWS_REGION || null,
  };
};
