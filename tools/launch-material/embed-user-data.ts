// Puts a rendered Ignition config into the AWS example's CloudFormation template as the
// launch template's UserData (the one line under `Fn::Base64: |`).
export type EmbedResult = { ok: true; text: string } | { ok: false; error: string };

const USER_DATA_LINE = /^( *)Fn::Base64: \|\n( *)\{"ignition".*$/m;

export function embedUserData(template: string, ignitionJson: string): EmbedResult {
  const json = ignitionJson.trim();
  if (json.includes("\n")) return { ok: false, error: "the Ignition config must be one line of JSON" };
  if (!USER_DATA_LINE.test(template)) {
    return { ok: false, error: 'no "Fn::Base64: |" followed by an Ignition JSON line in the template' };
  }
  // A replacer function: the JSON may contain "$&"-like sequences a string replacement would expand.
  return { ok: true, text: template.replace(USER_DATA_LINE, (_line, keyPad: string, valuePad: string) => `${keyPad}Fn::Base64: |\n${valuePad}${json}`) };
}
